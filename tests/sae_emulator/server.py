"""The HTTP(S) front of the emulator: routing, gateway checks, faults, the request log."""

import copy
import json
import os
import select
import shutil
import socket
import struct
import tempfile
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from . import errors
from .errors import ApiError
from .faults import KINDS, NO_FAULT, FaultInjector
from .flow_control import FlowControl, parse_account_limit, parse_limit
from .service import IngressService
from .signature import SignatureVerifier
from .variants import resolve_variants

API_VERSION = '2019-05-06'
INGRESS_PATH = '/pop/v1/sam/ingress/Ingress'
INGRESS_LIST_PATH = '/pop/v1/sam/ingress/IngressList'
APPLICATIONS_PATH = '/pop/v1/sam/app/listApplications'
GREY_TAG_ROUTE_PATH = '/pop/v1/sam/tagroute/greyTagRoute'
GREY_TAG_ROUTE_LIST_PATH = '/pop/v1/sam/tagroute/greyTagRouteList'
ADMIN_PREFIX = '/_emulator'
ROUTES = {
    ('POST', INGRESS_PATH): 'CreateIngress',
    ('PUT', INGRESS_PATH): 'UpdateIngress',
    ('GET', INGRESS_PATH): 'DescribeIngress',
    ('DELETE', INGRESS_PATH): 'DeleteIngress',
    ('GET', INGRESS_LIST_PATH): 'ListIngresses',
    ('GET', APPLICATIONS_PATH): 'ListApplications',
    ('POST', GREY_TAG_ROUTE_PATH): 'CreateGreyTagRoute',
    ('PUT', GREY_TAG_ROUTE_PATH): 'UpdateGreyTagRoute',
    ('GET', GREY_TAG_ROUTE_PATH): 'DescribeGreyTagRoute',
    ('DELETE', GREY_TAG_ROUTE_PATH): 'DeleteGreyTagRoute',
    ('GET', GREY_TAG_ROUTE_LIST_PATH): 'ListGreyTagRoute',
}
GREY_TAG_ROUTE_OPERATIONS = ('CreateGreyTagRoute', 'UpdateGreyTagRoute', 'DescribeGreyTagRoute', 'DeleteGreyTagRoute',
                             'ListGreyTagRoute')
# Data fields an operation's answer repeats at the top level of the body (ListApplicationsResponseBody).
TOP_LEVEL_FIELDS = {'ListApplications': ('CurrentPage', 'PageSize', 'TotalSize')}
KNOWN_PATHS = frozenset(path for _method, path in ROUTES)
WRITE_OPERATIONS = ('CreateIngress', 'UpdateIngress', 'DeleteIngress', 'CreateGreyTagRoute', 'UpdateGreyTagRoute',
                    'DeleteGreyTagRoute')
# The reads a read delay holds back by default (the state a read-modify-write cycle reads).
READ_OPERATIONS = ('DescribeIngress', 'ListIngresses', 'DescribeGreyTagRoute', 'ListGreyTagRoute')
READ_DELAY_ENV_VAR = 'SAE_EMULATOR_READ_DELAY'
ACCOUNT_LIMIT_ENV_VAR = 'SAE_EMULATOR_ACCOUNT_LIMIT'
FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'

# The demo's credentials: safe to print, useless anywhere but here.
DEFAULT_ACCESS_KEY_ID = 'LTAIemulatorDemoKey'
DEFAULT_ACCESS_KEY_SECRET = 'emulator-demo-secret-do-not-use'
STS_ACCESS_KEY_ID = 'STS.emulatorDemoKey'
STS_ACCESS_KEY_SECRET = 'emulator-sts-secret'
STS_SECURITY_TOKEN = 'emulator-sts-token'
DEFAULT_CREDENTIALS = {
    DEFAULT_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_SECRET,
    STS_ACCESS_KEY_ID: {'secret': STS_ACCESS_KEY_SECRET, 'security_token': STS_SECURITY_TOKEN},
}


def _request_id():
    return str(uuid.uuid4()).upper()


def _trace_id():
    return uuid.uuid4().hex[:30]


class Headers:
    """Request headers: case-insensitive ``get``, ``items()`` as received, ``by_name`` lower-case
    name -> list of values. A lighter stand-in for the email-based parser of http.server."""

    def __init__(self):
        self._items = []
        self.by_name = {}

    def add(self, name, value):
        self._items.append((name, value))
        self.by_name.setdefault(name.lower(), []).append(value)

    def get(self, name, default=None):
        values = self.by_name.get(name.lower())
        return values[0] if values else default

    def get_all(self, name, failobj=None):
        return list(self.by_name.get(name.lower(), ())) or failobj

    def items(self):
        return list(self._items)

    def keys(self):
        return [name for name, _value in self._items]

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        return name.lower() in self.by_name

    def __len__(self):
        return len(self._items)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'Tengine'
    sys_version = ''
    max_header_lines = 100
    max_line = 65536

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    in_request = False  # between a request line read and its answer sent
    recorded = False  # the request in hand is in the emulator's log

    def handle_one_request(self):
        try:
            super().handle_one_request()
        finally:
            self.in_request = False

    def parse_request(self):
        """HTTP/1.x request line and headers; keep-alive by the HTTP/1.1 rules."""
        self.in_request, self.recorded = True, False
        self.server.handling(self.connection, self)
        self.command = None
        self.request_version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, 'iso-8859-1').rstrip('\r\n')
        self.requestline = requestline
        words = requestline.split()
        if len(words) != 3 or not words[2].startswith('HTTP/1.'):
            self.send_error(400, 'Bad request line %r' % requestline)
            return False
        self.command, self.path, self.request_version = words
        headers = Headers()
        while True:
            line = self.rfile.readline(self.max_line + 1)
            if len(line) > self.max_line or len(headers) >= self.max_header_lines:
                self.send_error(431, 'Request header fields too large')
                return False
            if line in (b'\r\n', b'\n', b''):
                break
            name, sep, value = str(line, 'iso-8859-1').partition(':')
            if not sep or not name or name != name.strip():
                self.send_error(400, 'Bad header line')
                return False
            headers.add(name, value.strip())
        self.headers = headers
        connection = (headers.get('Connection') or '').lower()
        if self.request_version == 'HTTP/1.1':
            self.close_connection = connection == 'close'
        else:
            self.close_connection = connection != 'keep-alive'
        if (headers.get('Expect') or '').lower() == '100-continue':
            return self.handle_expect_100()
        return True

    def _dispatch(self):
        self.server.emulator.handle_http(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address, emulator, ssl_context=None):
        self.emulator = emulator
        self.ssl_context = ssl_context
        self._connections = {}  # each open connection: the handler of its last request, or None
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request_thread(self, request, client_address):
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.ssl_context is not None:
                request.settimeout(10)
                request = self.ssl_context.wrap_socket(request, server_side=True)
                request.settimeout(None)
            with self._connections_lock:
                self._connections[request] = None
            self.finish_request(request, client_address)
        except OSError:  # includes ssl.SSLError: a client that gave up, or failed the TLS handshake
            pass
        except Exception:
            self.emulator.server_errors.append(traceback.format_exc())
        finally:
            with self._connections_lock:
                self._connections.pop(request, None)
            self.shutdown_request(request)

    def handle_error(self, request, client_address):
        self.emulator.server_errors.append(traceback.format_exc())

    def handling(self, connection, handler):
        with self._connections_lock:
            if connection in self._connections:
                self._connections[connection] = handler

    def refuse_waiting(self):
        """Close the port: the connections the accept loop had not taken yet are accepted and closed, and no new
        one is (refused); their number, each a client's request that will get no answer."""
        waiting = 0
        self.socket.setblocking(False)
        try:
            while True:
                connection, dummy = self.socket.accept()
                waiting += 1
                connection.close()
        except OSError:  # none left
            pass
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return waiting

    def close_connections(self):
        """Cut every open connection. What was cut in the middle of a request: the handlers of the requests being
        handled (one may still reach the log), and the number of requests that were not read (they never will be):
        on a connection accepted for its first request, or waiting unread on one kept alive."""
        with self._connections_lock:
            connections = list(self._connections.items())
        handling, unread = [], 0
        for connection, handler in connections:
            if handler is not None and handler.in_request and not handler.recorded:
                handling.append(handler)
            elif handler is None or _pending(connection):
                unread += 1
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return handling, unread


def _pending(connection):
    """Whether a request waits unread on ``connection``."""
    try:
        return bool(select.select([connection], [], [], 0)[0]) and bool(connection.recv(1, socket.MSG_PEEK))
    except (OSError, ValueError):
        return False


class Emulator:
    """A local SAE Ingress API (2019-05-06) over HTTP or HTTPS on a loopback port.

    ``credentials``: ``{access_key_id: secret}`` for permanent keys, and
    ``{access_key_id: {'secret': ..., 'security_token': ...}}`` for STS keys; None means
    DEFAULT_CREDENTIALS (the demo's key and STS triple). A dict given replaces the defaults.
    ``inventory``: see ``sae_emulator.inventory`` (None: DEFAULT_INVENTORY).
    ``state_file``: JSON file loaded at construction and rewritten after every write.
    ``tls``: serve HTTPS with a freshly generated private CA (``ca_path``).
    ``clock``: a callable returning the time in epoch seconds (signature dates, nonces, CreateTime).
    ``variants``: ``{switch: value}`` for the behaviours no public source settles (``VARIANTS`` lists
    them; unknown switches or values raise ValueError); None reads ``SAE_EMULATOR_VARIANTS``.
    ``rate_limits``: flow control to start with, as ``'RATE[/BURST]'`` or ``'OPERATION=RATE[/BURST]'`` strings
    (``flow_control.py``); ``emulator.flow_control`` switches it at any time.
    ``account_limit``: the account-wide limit to start with: ``'CALLS[/WINDOW[/BURST]]'`` or ``(calls, window[, burst])``
    (``(60, 60)`` is SAE's documented limit); None reads ``SAE_EMULATOR_ACCOUNT_LIMIT`` (off when unset). How the window
    counts follows the variants ``flow_window`` and ``refused_calls_count``.
    ``read_delay``: seconds each read of ``read_delay_operations`` (READ_OPERATIONS) waits between taking its snapshot
    and answering, so that concurrent read-modify-write cycles overlap; None reads ``SAE_EMULATOR_READ_DELAY`` (0 when
    unset). ``emulator.read_delay`` (or ``set_read_delay``) changes it at any time.
    """

    def __init__(self, host='127.0.0.1', port=0, credentials=None, inventory=None, state_file=None, tls=False, clock=None,
                 variants=None, rate_limits=(), account_limit=None, read_delay=None):
        self.host = host
        self._requested_port = port
        self.credentials = copy.deepcopy(DEFAULT_CREDENTIALS if credentials is None else credentials)
        self.clock = clock or time.time
        self.verifier = SignatureVerifier(self.credentials, self.clock)
        self.service = IngressService(inventory, state_file, self.clock, resolve_variants(variants))
        self.tls = tls
        self.faults = FaultInjector()
        self._flow_control = None
        self.flow_control = FlowControl()
        for text in rate_limits or ():
            operation, rate, burst = parse_limit(text)
            self.flow_control.set(rate, burst, operation)
        if account_limit is None:
            account_limit = os.environ.get(ACCOUNT_LIMIT_ENV_VAR) or None
        if account_limit is not None:
            if isinstance(account_limit, str):
                account_limit = parse_account_limit(account_limit)
            self.flow_control.set_account(*account_limit)
        self._read_delay = 0.0
        self.read_delay_operations = READ_OPERATIONS
        if read_delay is None:
            read_delay = os.environ.get(READ_DELAY_ENV_VAR) or 0
        self.read_delay = read_delay
        self.ca_path = None
        self.server_errors = []
        self._cut_handling, self._cut_unread = [], 0  # requests an outage cut (see cut_requests)
        self._log = []
        self._log_lock = threading.Lock()
        self._seq = 0
        self._server = None
        self._bound_port = None
        self._thread = None
        self._tls_dir = None
        self._ssl_context = None

    # ------------------------------------------------------------ lifecycle

    def start(self):
        if self._server is not None:
            return self
        context = None
        if self.tls:
            from . import tls as tls_support
            self._tls_dir = tempfile.mkdtemp(prefix='sae-emulator-tls-')
            paths = tls_support.generate(self._tls_dir, hosts=self._tls_hosts())
            self.ca_path = paths['ca']
            context = tls_support.server_context(paths['cert'], paths['key'])
        self._ssl_context = context
        self._listen(self._requested_port)
        return self

    def _listen(self, port):
        self._server = _Server((self.host, port), self, self._ssl_context)
        self._bound_port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.05},
                                        name='sae-emulator', daemon=True)
        self._thread.start()

    def _close(self):
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()  # no more accepts; then the connections waiting for one, each opened for a request
            self._cut_unread += server.refuse_waiting()
            handling, unread = server.close_connections()
            self._cut_handling.extend(handling)
            self._cut_unread += unread
            server.server_close()
            self._thread.join(5)

    @property
    def paused(self):
        return self._server is None and self._bound_port is not None

    def pause(self):
        """An outage: the port refuses connections and open ones are closed (a request being handled may still be
        applied, its answer lost). The state is kept; ``resume()`` listens on the same port again."""
        if self._server is None:
            raise RuntimeError('the emulator is not running')
        self._close()

    def resume(self):
        if self._server is not None:
            return
        if self._bound_port is None:
            raise RuntimeError('the emulator has not been started')
        self._listen(self._bound_port)

    def _tls_hosts(self):
        hosts = ['127.0.0.1', 'localhost']
        if self.host not in hosts and self.host not in ('', '0.0.0.0', '::'):
            hosts.append(self.host)
        return tuple(hosts)

    def stop(self):
        self._close()
        if self._tls_dir:
            shutil.rmtree(self._tls_dir, ignore_errors=True)
            self._tls_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        """The bound port (still known after stop(), so a test can report it)."""
        if self._bound_port is None:
            raise RuntimeError('the emulator has not been started')
        return self._bound_port

    @property
    def url(self):
        return '%s://%s:%d' % ('https' if self.tls else 'http', self.host, self.port)

    @property
    def endpoint(self):
        """host:port, as the official SDK's Config(endpoint=...) wants it."""
        return '%s:%d' % (self.host, self.port)

    @property
    def region(self):
        return self.service.inventory.region

    @property
    def inventory(self):
        return self.service.inventory

    @property
    def variants(self):
        """Every variant switch with its value in this emulator (a copy)."""
        return dict(self.service.variants)

    @property
    def flow_control(self):
        """The FlowControl in force (see flow_control.py)."""
        return self._flow_control

    @flow_control.setter
    def flow_control(self, flow):
        """Use another FlowControl (e.g. one with a test clock); the window and refused-calls settings it leaves None
        take this emulator's variants ``flow_window`` and ``refused_calls_count``."""
        if flow.window is None:
            flow.window = self.service.variants['flow_window']
        if flow.refused_calls_count is None:
            flow.refused_calls_count = self.service.variants['refused_calls_count']
        self._flow_control = flow

    @property
    def read_delay(self):
        """Seconds a read of ``read_delay_operations`` waits after taking its snapshot, before answering (0: none)."""
        return self._read_delay

    @read_delay.setter
    def read_delay(self, seconds):
        try:
            seconds = float(seconds)
        except (TypeError, ValueError):
            raise ValueError('a read delay is a number of seconds, not %r' % (seconds,)) from None
        if not 0 <= seconds < 3600:
            raise ValueError('a read delay is between 0 and 3600 seconds, not %r' % (seconds,))
        self._read_delay = seconds

    def set_read_delay(self, seconds, operations=None):
        """Delay the answers of `operations` (default READ_OPERATIONS) by `seconds` after their snapshot."""
        if operations is not None:
            unknown = [name for name in operations if name not in ROUTES.values()]
            if unknown:
                raise ValueError('unknown operations %s; choose among %s' % (', '.join(unknown), ', '.join(ROUTES.values())))
        self.read_delay = seconds
        self.read_delay_operations = READ_OPERATIONS if operations is None else tuple(operations)

    # ------------------------------------------------------------ state access for tests

    @property
    def ingresses(self):
        return self.service.snapshot()

    def seed_ingress(self, **api_fields):
        return self.service.seed(api_fields)

    def modify_ingress(self, ingress_id, **api_fields):
        return self.service.modify(ingress_id, api_fields)

    def seed_gateway_route(self, **fields):
        """A route of an MSE gateway in the namespace's ListIngresses (see IngressService.seed_gateway_route)."""
        return self.service.seed_gateway_route(fields)

    def remove_ingress(self, ingress_id):
        return self.service.remove(ingress_id)

    @property
    def grey_tag_routes(self):
        """The canary routes: {GreyTagRouteId: record} (a copy; records carry the keys of DescribeGreyTagRoute)."""
        return self.service.grey_tag_route_snapshot()

    def seed_grey_tag_route(self, **fields):
        """A canary route created behind the client's back (CreateGreyTagRoute's rules, no log entry); returns its id.
        ``fields``: AppId, Name, Description, ScRules / DubboRules / AlbRules (lists or JSON strings)."""
        return self.service.seed_grey_tag_route(fields)

    def remove_grey_tag_route(self, route_id):
        return self.service.remove_grey_tag_route(route_id)

    def set_rule_actions(self, ingress_id, domain, path, actions):
        """Give the rule (domain, path) these RuleActions, as the console or saectl would."""
        return self.service.set_rule_actions(ingress_id, domain, path, actions)

    # ------------------------------------------------------------ the log

    @property
    def log(self):
        with self._log_lock:
            return [dict(entry) for entry in self._log]

    def calls(self, operation=None):
        return [entry for entry in self.log if operation is None or entry['operation'] == operation]

    def write_calls(self):
        return [entry for entry in self.log if entry['operation'] in WRITE_OPERATIONS]

    def clear_log(self):
        with self._log_lock:
            self._log = []
        self._cut_handling, self._cut_unread = [], 0

    @property
    def cut_requests(self):
        """Requests that outages (``pause``) cut before the log had them, since the log was last cleared: their
        clients sent them and got no answer, so cannot know whether they counted; the log never shows them."""
        return self._cut_unread + sum(1 for handler in self._cut_handling if not handler.recorded)

    def _record(self, entry):
        with self._log_lock:
            self._seq += 1
            entry['seq'] = self._seq
            self._log.append(entry)

    # ------------------------------------------------------------ HTTP

    def handle_http(self, handler):
        raw_path, _sep, raw_query = handler.path.partition('?')
        body = self._read_body(handler)
        if body is None:
            return
        if raw_path == ADMIN_PREFIX or raw_path.startswith(ADMIN_PREFIX + '/'):
            self._admin(handler, raw_path)
            return
        self._api(handler, raw_path, raw_query, body)

    @staticmethod
    def _read_body(handler):
        if handler.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            chunks = []
            while True:
                line = handler.rfile.readline(1024)
                try:
                    size = int(line.split(b';')[0].strip(), 16)
                except ValueError:
                    handler.send_error(400, 'Bad chunked encoding')
                    return None
                if size == 0:
                    while handler.rfile.readline(1024) not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(chunks)
                chunks.append(handler.rfile.read(size))
                handler.rfile.readline(1024)
        length = handler.headers.get('Content-Length')
        if not length:
            return b''
        try:
            size = int(length)
            if size < 0:
                raise ValueError(length)
        except ValueError:
            handler.send_error(400, 'Bad Content-Length')
            return None
        body = handler.rfile.read(size)
        if len(body) < size:  # the connection ended before the body did: no request, nobody to answer
            handler.close_connection = True
            return None
        return body

    def _api(self, handler, raw_path, raw_query, body):
        headers = handler.headers.by_name
        query = dict(parse_qsl(raw_query, keep_blank_values=True))
        form = {}
        content_type = (headers.get('content-type') or [''])[0]
        if body and content_type.split(';')[0].strip().lower() == FORM_CONTENT_TYPE:
            form = dict(parse_qsl(body.decode('utf-8', 'replace'), keep_blank_values=True))
        # The gateway merges query and form body: any parameter may come in either (the SDK puts
        # Rules in the body, the Terraform provider puts everything in the query). On a clash the
        # body wins.
        params = dict(query)
        params.update(form)
        request_id = _request_id()
        entry = {
            'seq': None, 'time': self.clock(), 'operation': None, 'method': handler.command, 'path': raw_path,
            'params': dict(query, **form), 'status': None, 'code': None, 'message': None, 'nonce': None, 'access_key_id': None,
            'ingress_id': self._param_id(params, 'IngressId'), 'applied': False, 'request_id': request_id, 'fault': None,
            'peer': '%s:%s' % tuple(handler.client_address[:2]),
        }
        if raw_path in (GREY_TAG_ROUTE_PATH, GREY_TAG_ROUTE_LIST_PATH):
            entry['grey_tag_route_id'] = self._param_id(params, 'GreyTagRouteId')
        outcome = self._process(handler, raw_path, raw_query, body, params, headers, entry)
        # Log first, answer second: a client that has its answer always finds its log entry.
        self._record(entry)
        handler.recorded = True
        if outcome[0] == 'abort':
            self._abort(handler, rst=outcome[1])
        else:
            self._send(handler, *outcome[1:])

    def _process(self, handler, raw_path, raw_query, body, params, headers, entry):
        """Run one API request; returns ('send', status, body, request_id, headers) or ('abort', rst)."""
        request_id = entry['request_id']
        fault, kind = None, NO_FAULT
        try:
            route = ROUTES.get((handler.command, raw_path))
            if raw_path not in KNOWN_PATHS:
                raise errors.invalid_action()
            if route is not None and headers.get('x-acs-action', [None])[0] == route:
                entry['operation'] = route  # logged even if the request fails the checks below
            parsed = SignatureVerifier.parse(headers, bool(body))
            entry['access_key_id'] = parsed.access_key_id
            entry['nonce'] = parsed.header('x-acs-signature-nonce')
            if parsed.header('x-acs-version') != API_VERSION:
                raise ApiError(400, errors.INVALID_VERSION, 'Specified parameter Version is not valid.')
            if route is None or parsed.header('x-acs-action') != route:
                raise errors.invalid_action()
            self.verifier.authenticate(parsed, handler.command, raw_path, raw_query, body)
            refused_by = self.flow_control.check(parsed.access_key_id, route)
            if refused_by is not None:
                entry['flow_control'] = True
                entry['flow_limit'] = refused_by
                raise ApiError(400, errors.THROTTLING_USER, errors.GATEWAY_MESSAGES[errors.THROTTLING_USER])
            fault = self.faults.take(route)
            if fault is not None:
                entry['fault'] = fault.kind
                kind = KINDS[fault.kind]
            if kind.before(fault, self, entry):
                return ('abort', True)
            data, resource_id, applied = self._execute(route, kind.params(fault, params))
            delay = self._read_delay
            if delay and route in self.read_delay_operations:
                entry['read_delay'] = delay
                time.sleep(delay)  # the snapshot is taken: its answer arrives late, as from a slow read
            data = kind.data(fault, data)
            entry['applied'] = applied
            if resource_id is not None:
                entry['grey_tag_route_id' if route in GREY_TAG_ROUTE_OPERATIONS else 'ingress_id'] = resource_id
            rst = kind.after(fault, self, entry, None)
            if rst is not None:
                return ('abort', rst)
            entry['status'] = 200
            body_obj = {'RequestId': request_id, 'Code': '200', 'Message': 'success', 'Success': True,
                        'TraceId': _trace_id(), 'Data': data}
            body_obj.update((name, data[name]) for name in TOP_LEVEL_FIELDS.get(route, ()))
            return ('send', 200, body_obj, request_id, None)
        except ApiError as exc:
            rst = kind.after(fault, self, entry, exc)
            if rst is not None:
                return ('abort', rst)
            entry['status'] = exc.status
            entry['code'] = exc.code
            entry['message'] = exc.message
            return ('send', exc.status, self._error_body(exc, request_id), request_id, exc.headers)

    @staticmethod
    def _param_id(params, name):
        value = params.get(name)
        if value and value.isdigit():
            return int(value)
        return None

    @staticmethod
    def _abort(handler, rst):
        connection = handler.connection
        try:
            if rst:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            else:
                connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        handler.close_connection = True
        for stream in (handler.rfile, handler.wfile):
            try:
                stream.close()
            except OSError:
                pass
        try:
            connection.close()
        except OSError:
            pass

    def _execute(self, operation, params):
        service = self.service
        handlers = {
            'CreateIngress': service.create,
            'UpdateIngress': service.update,
            'DescribeIngress': service.describe,
            'DeleteIngress': service.delete,
            'ListIngresses': service.list,
            'ListApplications': service.list_applications,
            'CreateGreyTagRoute': service.create_grey_tag_route,
            'UpdateGreyTagRoute': service.update_grey_tag_route,
            'DescribeGreyTagRoute': service.describe_grey_tag_route,
            'DeleteGreyTagRoute': service.delete_grey_tag_route,
            'ListGreyTagRoute': service.list_grey_tag_routes,
        }
        try:
            return handlers[operation](params)
        except ApiError:
            raise
        except Exception:
            self.server_errors.append(traceback.format_exc())
            raise ApiError(500, errors.INTERNAL_ERROR, errors.GATEWAY_MESSAGES[errors.INTERNAL_ERROR]) from None

    def _error_body(self, exc, request_id):
        code = exc.code
        if exc.body_code is not None:
            code = exc.body_code
        elif exc.business and self.service.variants['business_error_code'] == 'in_error_code_only':
            code = str(exc.status)
        body = {
            'RequestId': request_id,
            'HostId': 'sae.%s.aliyuncs.com' % self.region,
            'Code': code,
            'Message': exc.message,
            'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s&product=sae&requestId=%s' % (exc.code, request_id),
        }
        if exc.business:
            body['ErrorCode'] = exc.code
            body['Success'] = False
            body['TraceId'] = _trace_id()
        return body

    @staticmethod
    def _send(handler, status, body_obj, request_id, extra_headers=None):
        payload = json.dumps(body_obj, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
        headers = [('Server', handler.version_string()), ('Date', handler.date_time_string()),
                   ('Content-Type', 'application/json;charset=utf-8'), ('Content-Length', str(len(payload))),
                   ('x-acs-request-id', request_id)] + list((extra_headers or {}).items())
        head = ['%s %d %s' % (handler.protocol_version, status, handler.responses.get(status, ('',))[0])]
        head += ['%s: %s' % header for header in headers]
        handler.log_request(status)
        try:
            # Status line, headers and body in one write: two small writes would meet Nagle and delayed ACKs.
            handler.wfile.write(('\r\n'.join(head) + '\r\n\r\n').encode('latin-1') + payload)
        except OSError:
            handler.close_connection = True

    def _admin(self, handler, raw_path):
        if handler.command == 'GET' and raw_path == ADMIN_PREFIX + '/log':
            body, status = self.log, 200
        elif handler.command == 'GET' and raw_path == ADMIN_PREFIX + '/ingresses':
            body, status = {str(key): value for key, value in self.ingresses.items()}, 200
        elif handler.command == 'GET' and raw_path == ADMIN_PREFIX + '/grey-tag-routes':
            body, status = {str(key): value for key, value in self.grey_tag_routes.items()}, 200
        elif raw_path == ADMIN_PREFIX + '/flow-control' and handler.command in ('GET', 'PUT', 'DELETE'):
            body, status = self._admin_flow_control(handler)
        elif raw_path == ADMIN_PREFIX + '/read-delay' and handler.command in ('GET', 'PUT'):
            body, status = self._admin_read_delay(handler)
        elif handler.command == 'GET' and raw_path == ADMIN_PREFIX + '/health':
            body, status = {'status': 'ok', 'region': self.region, 'ingresses': len(self.service.snapshot()),
                            'grey_tag_routes': len(self.grey_tag_routes)}, 200
        else:
            body, status = {'Code': 'NotFound', 'Message': 'Unknown emulator admin endpoint.'}, 404
        self._send(handler, status, body, _request_id())

    def _admin_flow_control(self, handler):
        """GET: the limits and counts; PUT ?limit=RATE[/BURST] or ?limit=OPERATION=RATE[/BURST]: set a per-operation
        limit; PUT ?account=CALLS[/WINDOW[/BURST]] (or ?account=off): the account-wide limit; DELETE: every limit off."""
        query = dict(parse_qsl(handler.path.partition('?')[2]))
        flow = self.flow_control
        if handler.command == 'PUT':
            if 'limit' not in query and 'account' not in query:
                return {'Code': 'InvalidLimit', 'Message': 'PUT ?limit=[OPERATION=]RATE[/BURST] or ?account=CALLS[/WINDOW[/BURST]]'}, 400
            try:
                limit = parse_limit(query['limit']) if 'limit' in query else None
                account = query.get('account')
                account = parse_account_limit(account) if account not in (None, 'off') else account
            except ValueError as exc:
                return {'Code': 'InvalidLimit', 'Message': str(exc)}, 400
            if limit is not None:
                operation, rate, burst = limit
                flow.set(rate, burst, operation)
            if account == 'off':
                flow.set_account(None)
            elif account is not None:
                flow.set_account(*account)
        elif handler.command == 'DELETE':
            flow.off()
        limits = {operation or '*': {'rate': rate, 'burst': burst} for operation, (rate, burst) in flow.limits.items()}
        return {'limits': limits, 'account': flow.account_limit, 'window': flow.window,
                'refused_calls_count': flow.refused_calls_count, 'throttled': dict(flow.throttled),
                'account_throttled': flow.account_throttled}, 200

    def _admin_read_delay(self, handler):
        """GET: the read delay; PUT ?seconds=S[&operations=A,B]: set it (operations default: READ_OPERATIONS)."""
        query = dict(parse_qsl(handler.path.partition('?')[2]))
        if handler.command == 'PUT':
            operations = [name for name in query.get('operations', '').split(',') if name] or None
            try:
                self.set_read_delay(query.get('seconds', ''), operations)
            except ValueError as exc:
                return {'Code': 'InvalidReadDelay', 'Message': str(exc)}, 400
        return {'seconds': self.read_delay, 'operations': list(self.read_delay_operations)}, 200
