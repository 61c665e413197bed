/*
 * dev/xen/control/suspend.h - suspend and resume of the whole domain,
 * for the control driver (`xl save`, `xl restore`, `xl migrate`).
 *
 * Where this sits: control.c calls control_do_suspend() from the
 * xenwatch thread once it has acknowledged a "suspend" request.  The
 * sequence (walkthroughs/control.md, "Suspend") quiesces the kernel,
 * asks the architecture to hand the domain to Xen with
 * SCHEDOP_shutdown(SHUTDOWN_suspend) (xen/include/public/sched.h) and,
 * once the domain runs again, rebuilds what a new host invalidated.
 */
#ifndef _DEV_XEN_CONTROL_SUSPEND_H_
#define _DEV_XEN_CONTROL_SUSPEND_H_

#include <stdbool.h>

struct control_stats;

/**
 * @brief Whether this kernel can suspend (the architecture implements
 *	arch_suspend()); decides control/feature-suspend and whether a
 *	"suspend" request is acknowledged.
 */
bool	control_can_suspend(void);

/**
 * @brief Suspend the domain and resume it; returns once the domain runs
 *	again (in a new domain after a restore, or the same one when Xen
 *	cancelled the suspend), with its counters and times in *st.
 */
void	control_do_suspend(struct control_stats *st);

#endif /* !_DEV_XEN_CONTROL_SUSPEND_H_ */
