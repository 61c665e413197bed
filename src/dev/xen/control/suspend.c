/*
 * dev/xen/control/suspend.c - suspend and resume of the whole domain
 * (interface in dev/xen/control/suspend.h).
 *
 * Not written yet: this kernel does not advertise control/feature-suspend
 * and leaves a "suspend" request unacknowledged, so `xl save` gives up
 * after libxl's 60 s and the domain runs on.
 */

#include "dev/xen/control/control.h"
#include "dev/xen/control/suspend.h"
#include "kern/libkern.h"

bool
control_can_suspend(void)
{

	return (false);
}

void
control_do_suspend(struct control_stats *st)
{

	(void)st;
	printf("control: suspend is not implemented\n");
}
