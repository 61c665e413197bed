/*
 * machine/intr.h (amd64) - interrupt vectors for drivers of the HVM
 * kernel.
 *
 * The HVM kernel owns its IDT (src/amd64/trap.c); a driver that needs
 * an interrupt asks for a handler on a vector.  Today the only one is
 * xenpci, which has Xen deliver event-channel upcalls directly on
 * IDT_EVTCHN (HVM_PARAM_CALLBACK_IRQ of type "vector", see
 * src/dev/xen/xenpci/xenpci.c).  A PV kernel has no vectors: Xen
 * enters its registered callback address instead.
 */
#ifndef _MACHINE_INTR_H_
#define _MACHINE_INTR_H_

/*
 * The vector Xen injects for event channels.  Any vector above the
 * exceptions and the PIC's range works; Linux uses the same number,
 * 0xf3, for its HYPERVISOR_CALLBACK_VECTOR.
 */
#define	IDT_EVTCHN	0xf3

/**
 * @brief Call handler whenever interrupt vector arrives.
 *
 * The handler runs with interrupts disabled, on the interrupted code's
 * stack, and must not block.  A vector has at most one handler; NULL
 * removes it (the vector is then reported as unexpected).
 * @param vector an IDT vector above the exceptions (32-255)
 * @param handler the function, called with no arguments
 * @return 0, or -1 for a vector that cannot take a handler
 */
int	intr_set_handler(unsigned int vector, void (*handler)(void));

#endif /* !_MACHINE_INTR_H_ */
