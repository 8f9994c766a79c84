/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A PAM session through libpam's own stack, for test_pam.sh: what pamtester
 * does, plus what it cannot show.
 *
 *   pam_session SERVICE USER [GOFILE]
 *
 * pam_start, pam_open_session, then print
 *
 *   open STATUS
 *   XDG_RUNTIME_DIR=VALUE        ("(unset)" when the PAM environment lacks it)
 *
 * With GOFILE the session stays open (stdout flushed) until GOFILE exists
 * (at most 60 s), so that sessions can overlap and the test can look at the
 * open session from outside.  Then pam_close_session ("close STATUS") and
 * pam_end.  STATUS is the number libpam returned.  Exit 0 when both
 * succeeded, 1 when one failed, 2 when pam_start did.
 */
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
        (void)n, (void)msg, (void)data;
        *resp = NULL;
        return PAM_CONV_ERR; /* pam_subid never converses */
}

int main(int argc, char **argv)
{
        const struct pam_conv c = { conv, NULL };
        pam_handle_t *ph = NULL;
        const char *x;
        int r;

        if (argc < 3 || argc > 4) {
                fprintf(stderr, "usage: %s SERVICE USER [GOFILE]\n", argv[0]);
                return 2;
        }
        r = pam_start(argv[1], argv[2], &c, &ph);
        if (r != PAM_SUCCESS || !ph) {
                printf("start %d\n", r);
                return 2;
        }
        r = pam_open_session(ph, 0);
        x = pam_getenv(ph, "XDG_RUNTIME_DIR");
        printf("open %d\nXDG_RUNTIME_DIR=%s\n", r, x ? x : "(unset)");
        fflush(stdout);
        if (r != PAM_SUCCESS) {
                pam_end(ph, r);
                return 1;
        }
        if (argc == 4) {
                const struct timespec tick = { 0, 10 * 1000 * 1000 };
                for (int i = 0; i < 6000 && access(argv[3], F_OK) != 0; i++)
                        nanosleep(&tick, NULL);
        }
        r = pam_close_session(ph, 0);
        printf("close %d\n", r);
        pam_end(ph, r);
        return r == PAM_SUCCESS ? 0 : 1;
}
