/*
 * Interrupts: SIGINT, SIGTERM and SIGHUP are blocked in every thread and
 * taken by one thread in sigwait(3), which is not a signal handler and
 * may therefore remove the library's temporary folders (decrypted
 * evidence must not outlive an interrupted run) before ending the
 * program with the same signal.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <tracehound/th_cleanup.h>
#include "secret.h"

static sigset_t caught;

static void *wait_signal(void *arg)
{
	int sig = 0;

	(void)arg;
	if (sigwait(&caught, &sig) != 0)
		return NULL;
	cli_secret_restore_tty();
	th_cleanup_temp();
	/* The default action now, so the parent sees the signal. */
	signal(sig, SIG_DFL);
	pthread_sigmask(SIG_UNBLOCK, &caught, NULL);
	raise(sig);
	_exit(128 + sig);
	return NULL;
}

void cli_signals_start(void)
{
	static int started;
	pthread_attr_t attr;
	pthread_t t;

	if (started++)
		return;
	sigemptyset(&caught);
	sigaddset(&caught, SIGINT);
	sigaddset(&caught, SIGTERM);
	sigaddset(&caught, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &caught, NULL) != 0)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, wait_signal, NULL) != 0)
		pthread_sigmask(SIG_UNBLOCK, &caught, NULL);
	pthread_attr_destroy(&attr);
}
