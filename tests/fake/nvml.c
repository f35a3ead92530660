/* A stand-in for libnvidia-ml.so.1 with the three entry points hetflow
 * loads, reporting FAKE_NVML_GPUS devices (default 3), so that the NVML
 * path of GPU detection is tested on machines without NVIDIA GPUs. */
#include <stdlib.h>

int nvmlInit_v2(void);
int nvmlDeviceGetCount_v2(unsigned int *count);
int nvmlShutdown(void);

int nvmlInit_v2(void)
{
    return 0;
}

int nvmlDeviceGetCount_v2(unsigned int *count)
{
    const char *n = getenv("FAKE_NVML_GPUS");

    *count = n ? (unsigned int)atoi(n) : 3;
    return 0;
}

int nvmlShutdown(void)
{
    return 0;
}
