# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The shared pace as the transport keeps it: a turn before every attempt, the answer told back.

Pacing (``calls_per_minute``, off when 0): every attempt of every call, retries included, first takes a turn from a
``_pacer.Pacer`` shared by every process of the user on the host for one access key id and endpoint (its file is in
``_host_state.default_state_dir(PACE_DIR_NAME)`` unless ``pace_dir`` says otherwise): at most ``calls_per_minute``
calls in any minute, so a minute's worth may go at once after a quiet minute. A throttling answer slows the shared
pace, calls that pass let it recover (see ``_pacer``). A call queues for its turns at most ``max_queue`` seconds in all (``MAX_QUEUE``, 15
minutes), then fails with code ``Throttling.Client`` without being sent. When the pace cannot be kept safely (see
``_host_state``), calls are not paced and ``warn`` is told why, once.
"""

from __future__ import annotations

import os
import time

from ansible_collections.alibabacloud.sae.plugins.module_utils import _host_state, _http_errors, _pacer

# The longest one call may queue, in all its attempts, for its turns of the pace before it fails unsent.
MAX_QUEUE = 900
# The directory of the pace files, under the temporary directory: <tmp>/alibabacloud-sae-<uid>.
PACE_DIR_NAME = _host_state.DIR_NAME
# The code of a call that gave up queueing for its turn (it was not sent).
PACE_TIMEOUT_CODE = 'Throttling.Client'
# The service's window: calls_per_minute calls in any minute. The environment variable below scales it down for the
# collection's own tests and benchmarks, which run a service's limit in a fraction of its time (60 calls in any 6 s
# stand for 600 a minute); it is not an option for users.
WINDOW = 60.0
WINDOW_ENV = 'ALIBABA_CLOUD_SAE_PACE_WINDOW'


def pace_window(environ=None):
    """The seconds of the pace's window: WINDOW, or a shorter one the environment asks for (tests, benchmarks)."""
    text = (os.environ if environ is None else environ).get(WINDOW_ENV, '')
    try:
        value = float(text)
    except ValueError:
        return WINDOW
    return value if 0 < value <= WINDOW else WINDOW


class CallPace:
    """The pace of one client's calls to ``endpoint``: ``calls_per_minute`` (0: none), ``pace_dir`` (the directory of
    its files; default ``_host_state.default_state_dir(PACE_DIR_NAME)``), ``max_queue`` (the seconds one call may queue
    for its turns), ``pacer`` (a ready ``_pacer.Pacer`` instead, for tests), ``warn(text)`` (told when the pace cannot be
    kept) and ``sleep``."""

    def __init__(self, endpoint, calls_per_minute=0, pace_dir=None, max_queue=MAX_QUEUE, pacer=None, warn=None,
                 sleep=time.sleep):
        self.endpoint = endpoint
        self.calls_per_minute = calls_per_minute or 0
        self.pace_dir = pace_dir
        self.max_queue = max_queue
        self.pacer = pacer
        self.warn = warn
        self.sleep = sleep

    def take_turn(self, action, access_key_id, tally):
        """Wait for this attempt's turn of the pace; the wait goes to ``tally.queued``. Raises the call's failure,
        unsent, when the turn would come after ``max_queue`` seconds of queueing in all."""
        pacer = self._pacer_for(access_key_id)
        if pacer is None:
            return
        try:
            tally.queued += pacer.acquire(max_wait=max(0.0, self.max_queue - tally.queued))
        except _pacer.PacerTimeout as exc:
            tally.queued += exc.waited
            raise _http_errors.AcsCallError(
                PACE_TIMEOUT_CODE, 'not sent: it had queued %.0f s for its turns under the pace that the module processes '
                'of this host share for this access key and endpoint (%s), and its next turn was %.0f s further away, '
                'past the %d s one call may queue: too many calls are waiting for turns on this host'
                % (tally.queued, self.text(pacer), exc.wait, self.max_queue), operation=action)

    def answered(self, err):
        """Tell the pace how the service took the attempt: refused for flow control, or through it (``err`` None); an
        attempt that never reached it gives its turn back."""
        if self.pacer is None:
            return
        if err is not None and _http_errors.is_throttling(err.code):
            self.pacer.throttled()
        elif err is None or err.status is not None:
            self.pacer.passed()
        elif err.unsent:
            self.pacer.unused()

    def note(self, tally):
        """What the pace did for a call that ends throttled, in words to follow "refused by flow control N times"."""
        if self.pacer is not None and self.pacer.enabled:
            return ', after queueing %.0f s in all for its turns at this host\'s shared pace (%s)' % (
                tally.queued, self.text(self.pacer))
        if self.pacer is not None:
            return '; calls were not paced (%s)' % self.pacer.off_reason
        return '; calls were not paced (calls_per_minute 0)'

    @staticmethod
    def text(pacer):
        """The pace in words: "calls_per_minute 60", or "42 calls a minute, slowed by throttling from calls_per_minute 60"."""
        configured = pacer.rate * 60
        if pacer.enabled and pacer.shared_rate < pacer.rate:
            return '%.0f calls a minute, slowed by throttling from calls_per_minute %.0f' % (pacer.shared_rate * 60, configured)
        return 'calls_per_minute %.0f' % configured

    def _pacer_for(self, access_key_id):
        """The pace of this access key id at this endpoint (built on the first call), or None: not paced."""
        if self.pacer is None and self.calls_per_minute > 0:
            try:
                state_dir = self.pace_dir or _host_state.default_state_dir(PACE_DIR_NAME)
            except OSError as exc:  # tempfile found no usable temporary directory
                self.calls_per_minute = 0
                self._warning('no temporary directory for the pace file (%s)' % exc)
                return None
            window = pace_window()
            self.pacer = _pacer.Pacer(
                '%s\n%s' % (access_key_id, self.endpoint), rate=self.calls_per_minute / 60.0,
                burst=max(1, round(self.calls_per_minute * window / 60.0)), state_dir=state_dir, warn=self._warning,
                sleep=self.sleep)
        return self.pacer

    def _warning(self, reason):
        if self.warn is not None:
            self.warn('calls to %s are not paced (calls_per_minute is not applied in this task): %s'
                      % (self.endpoint, reason))
