/* hetflow: asynchronous and adaptive execution of AI-coupled HPC workflows.
 * The umbrella header: include this one. */
#ifndef HETFLOW_H
#define HETFLOW_H

#include "alloc.h"
#include "analysis.h"
#include "dag.h"
#include "engine.h"
#include "error.h"
#include "exec.h"
#include "executor.h"
#include "platform.h"
#include "run.h"
#include "sched.h"
#include "template.h"
#include "trace.h"
#include "workflow.h"
#include "workflow_rules.h"

#endif
