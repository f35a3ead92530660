/* Counting NVIDIA GPUs without a build-time dependency: NVML is loaded with
 * dlopen when hetflow runs (libnvidia-ml.so.1 ships with the driver, not the
 * toolkit), and `nvidia-smi -L` is the fallback.  A machine without either
 * simply has no GPUs. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "hetflow/platform.h"

/* The three NVML entry points used, with NVML's own signatures
 * (nvmlReturn_t is an int enum; NVML_SUCCESS is 0). */
typedef int (*nvml_init_f)(void);
typedef int (*nvml_count_f)(unsigned int *count);
typedef int (*nvml_shutdown_f)(void);

static int count_nvml(void)
{
    void *lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    nvml_init_f init;
    nvml_count_f count;
    nvml_shutdown_f shutdown;
    unsigned int n = 0;
    int rc = -1;

    if (!lib)
        return -1;
    /* dlsym returns void *; POSIX guarantees the cast to a function pointer. */
    *(void **)&init = dlsym(lib, "nvmlInit_v2");
    *(void **)&count = dlsym(lib, "nvmlDeviceGetCount_v2");
    *(void **)&shutdown = dlsym(lib, "nvmlShutdown");
    if (init && count && shutdown && init() == 0) {
        if (count(&n) == 0)
            rc = (int)n;
        shutdown();
    }
    dlclose(lib);
    return rc;
}

static int count_nvidia_smi(void)
{
    FILE *p = popen("nvidia-smi -L 2>/dev/null", "r");
    char line[512];
    int n = 0;

    if (!p)
        return -1;
    while (fgets(line, sizeof(line), p))
        if (strncmp(line, "GPU ", 4) == 0)
            n++;
    return pclose(p) == 0 ? n : -1;
}

int hf_gpu_count(char *source)
{
    int n;

    if ((n = count_nvml()) >= 0) {
        snprintf(source, HF_GPU_SOURCE_LEN, "nvml");
        return n;
    }
    if ((n = count_nvidia_smi()) >= 0) {
        snprintf(source, HF_GPU_SOURCE_LEN, "nvidia-smi");
        return n;
    }
    snprintf(source, HF_GPU_SOURCE_LEN, "none");
    return 0;
}
