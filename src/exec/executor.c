/* What every executor shares; see exec.h. */
#include "hetflow/exec.h"

void hf_executor_destroy(hf_executor_t *x)
{
    if (x && x->ops) {
        x->ops->destroy(x->ctx);
        x->ops = NULL;
    }
}
