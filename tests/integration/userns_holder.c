/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * userns_holder: a target for newuidmap/newgidmap that `unshare --user
 * sleep` cannot be, for test_newidmap.sh (compiled there with cc).
 *
 *   userns_holder [-u] [-n] [-z FILE]
 *
 *   -u       unshare(CLONE_NEWUSER) first: a child namespace with no map yet
 *   -n       then make the process non-dumpable (PR_SET_DUMPABLE 0): its
 *            /proc/PID/ns/user can no longer be opened by an unprivileged
 *            caller, so a helper has to rely on the kernel's own checks
 *   -z FILE  instead, fork a child that does the steps above and exits at
 *            once; write its PID to FILE and never reap it: a zombie
 *
 * Then it waits for a signal.  The tests wait until /proc/PID/comm is
 * "nidm_ready" (set after the steps above) and read the maps from
 * outside.  Exit status 1 if a step fails.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        int c, newuser = 0, nondumpable = 0;
        const char *zombie = NULL;

        while ((c = getopt(argc, argv, "unz:")) != -1) {
                switch (c) {
                case 'u':
                        newuser = 1;
                        break;
                case 'n':
                        nondumpable = 1;
                        break;
                case 'z':
                        zombie = optarg;
                        break;
                default:
                        fprintf(stderr, "usage: userns_holder [-u] [-n] [-z FILE]\n");
                        return 1;
                }
        }
        if (zombie) {
                pid_t p = fork();
                if (p < 0) {
                        perror("userns_holder: fork");
                        return 1;
                }
                if (p > 0) {
                        FILE *f = fopen(zombie, "w");
                        if (!f || fprintf(f, "%d\n", (int)p) < 0 || fclose(f) != 0) {
                                perror("userns_holder: writing the zombie's PID");
                                return 1;
                        }
                        /* Never wait for it. */
                        prctl(PR_SET_NAME, "nidm_ready", 0, 0, 0);
                        for (;;)
                                pause();
                }
        }
        if (newuser && unshare(CLONE_NEWUSER) < 0) {
                perror("userns_holder: unshare(CLONE_NEWUSER)");
                return 1;
        }
        if (nondumpable && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
                perror("userns_holder: PR_SET_DUMPABLE");
                return 1;
        }
        if (zombie)
                _exit(0);
        /* Ready: the name the tests wait for. */
        prctl(PR_SET_NAME, "nidm_ready", 0, 0, 0);
        for (;;)
                pause();
}
