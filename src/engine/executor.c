/* hf_executor_destroy(): ends an executor through its ops (hf_executor_new()
 * and hf_executor_free(), for bindings, are in access.c).  It lives with the
 * engine, which drives executors, so that neither the engine nor a binding
 * needs a concrete executor to end one. */
#include "hetflow/executor.h"

void hf_executor_destroy(hf_executor_t *x)
{
    if (x && x->ops) {
        x->ops->destroy(x->ctx);
        x->ops = NULL;
    }
}
