#!/usr/bin/python3
"""Interop test: drive csmsd with the official Huawei Cloud Python SDK (huaweicloudsdkcsms v1).

Usage:
    CSMS_PY_SDK_DIR=<checkout of huaweicloud/huaweicloud-sdk-python-v3> \
        /usr/bin/python3 tests/interop/python_sdk_lifecycle.py \
        --endpoint http://127.0.0.1:PORT --project-id <32 hex>

If the SDK is not importable, the script adds <sdk-dir>/huaweicloud-sdk-core and
<sdk-dir>/huaweicloud-sdk-csms to sys.path (sdk-dir: --sdk-dir or $CSMS_PY_SDK_DIR).
Runtime deps on Debian 12 (system python3): python3-requests python3-requests-toolbelt
python3-simplejson python3-pyasn1 python3-defusedxml python3-bson (+ python3-yaml, python3-six,
normally preinstalled; python3-dateutil optional).

Every secret the script creates is named "<prefix>-..." (default prefix: pysdk-<random>), so it
can run repeatedly against the same daemon and project. It deletes what it created.
Last line: "python sdk lifecycle: N passed, M failed"; exit status 0 only if M == 0.
"""

import argparse
import base64
import os
import re
import sys
import time
import traceback
import uuid

EXPECTED_UA_PREFIX = "huaweicloud-usdk-python/3.0"
NOT_FOUND = (404, "CSMS.0005")


# --------------------------------------------------------------------------------------------
# SDK import
# --------------------------------------------------------------------------------------------

def import_sdk(sdk_dir):
    try:
        import huaweicloudsdkcsms.v1  # noqa: F401
    except ImportError:
        for sub in ("huaweicloud-sdk-core", "huaweicloud-sdk-csms"):
            p = os.path.join(sdk_dir, sub)
            if os.path.isdir(p) and p not in sys.path:
                sys.path.insert(0, p)
    try:
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.exceptions import exceptions as sdk_exc
        from huaweicloudsdkcore.http.http_config import HttpConfig
        from huaweicloudsdkcore.http.http_handler import HttpHandler
        from huaweicloudsdkcsms.v1 import model as csms_model
        from huaweicloudsdkcsms.v1.csms_client import CsmsClient
    except ImportError as e:
        sys.stderr.write(
            "FATAL: cannot import the Huawei Cloud Python SDK (%s).\n"
            "Set PYTHONPATH to <sdk>/huaweicloud-sdk-core:<sdk>/huaweicloud-sdk-csms or pass --sdk-dir, and run\n"
            "with /usr/bin/python3 after: apt-get install python3-requests python3-requests-toolbelt "
            "python3-simplejson python3-pyasn1 python3-defusedxml python3-bson\n" % e)
        sys.exit(2)
    return BasicCredentials, sdk_exc, HttpConfig, HttpHandler, csms_model, CsmsClient


# --------------------------------------------------------------------------------------------
# Result bookkeeping
# --------------------------------------------------------------------------------------------

class Fatal(Exception):
    """Raised to stop the run when a step every later step depends on fails."""


class Results:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.failures = []
        self.verbose = verbose

    def ok(self, name):
        self.passed += 1
        if self.verbose:
            print("  ok   %s" % name)

    def fail(self, name, detail):
        self.failed += 1
        msg = "FAIL %s: %s" % (name, detail)
        self.failures.append(msg)
        print("  " + msg, flush=True)

    def check(self, cond, name, detail=""):
        if cond:
            self.ok(name)
        else:
            self.fail(name, detail or "condition is false")
        return bool(cond)

    def eq(self, actual, expected, name):
        return self.check(actual == expected, name, "expected %r, got %r" % (expected, actual))


def now_ms():
    return int(time.time() * 1000)


TS_TOLERANCE_MS = 15 * 60 * 1000  # clock skew allowed between daemon and test host


def check_ts(r, ts, name, near=None, tolerance=TS_TOLERANCE_MS):
    """Timestamps are int epoch ms, 13 digits, truncated to whole seconds (csms-api.md decision 6)."""
    if not isinstance(ts, int) or isinstance(ts, bool):
        return r.fail(name, "timestamp is not an integer: %r" % (ts,))
    if not (len(str(ts)) == 13 and ts % 1000 == 0):
        return r.fail(name, "timestamp %r is not 13-digit epoch ms ending in 000" % ts)
    ref = now_ms() if near is None else near
    if abs(ts - ref) > tolerance:
        return r.fail(name, "timestamp %d is %+.1f s away from expected %d" % (ts, (ts - ref) / 1000.0, ref))
    r.ok(name)


# --------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------

class Lifecycle:
    def __init__(self, args):
        (self.BasicCredentials, self.exc, HttpConfig, HttpHandler, self.m,
         CsmsClient) = import_sdk(args.sdk_dir)
        self.args = args
        self.r = Results(args.verbose)
        self.project_id = args.project_id
        self.prefix = args.prefix
        self.created = []           # secret names to clean up
        self.last = {}              # facts about the last HTTP exchange

        config = HttpConfig.get_default_config()
        if args.ca_file:
            # TLS as a careful user runs it: the server certificate is verified against the test CA.
            config.ignore_ssl_verification = False
            config.ssl_ca_cert = args.ca_file
        else:
            config.ignore_ssl_verification = True   # irrelevant for http://
        config.timeout = (5, args.timeout)
        config.retry_times = 0
        # Appended to the fixed "huaweicloud-usdk-python/3.0" prefix. (Importing the core already created
        # $HOME/.huaweicloud/application_id via auth/internal.py; that is SDK behaviour, not ours.)
        config.user_agent = "csmsd-interop-python"

        handler = HttpHandler().add_response_handler(self._on_response)
        creds = self.BasicCredentials(args.ak, args.sk, self.project_id)
        # No region: the endpoint is used verbatim (http:// kept) and, because project_id is given,
        # the SDK never calls IAM to look the project up.
        self.client = CsmsClient.new_builder() \
            .with_http_config(config) \
            .with_credentials(creds) \
            .with_endpoints([args.endpoint.rstrip("/")]) \
            .with_http_handler(handler) \
            .build()
        # requests honours http_proxy/https_proxy from the environment; never route loopback through a proxy.
        session = getattr(self.client.get_http_client(), "_session", None)
        if session is not None:
            session.trust_env = False

    # ---- transport observation -------------------------------------------------------------

    def _on_response(self, **kwargs):
        resp = kwargs.get("response")
        if resp is None:
            return
        req = resp.request
        self.last = {
            "status": resp.status_code,
            "request_id": resp.headers.get("X-Request-Id"),
            "method": req.method,
            "url": req.url,
            "req_headers": dict(req.headers),
            "body": resp.content,
        }

    def _check_transport(self, name):
        """Checks that hold for every exchange: the daemon sends X-Request-Id, the SDK signed the call."""
        last = self.last
        self.r.check(bool(last.get("request_id")), name + " has X-Request-Id response header",
                     "response to %s %s has no X-Request-Id" % (last.get("method"), last.get("url")))
        if self.args.verbose:
            h = last.get("req_headers", {})
            print("       %s %s -> %s  [Content-Type: %s; X-Project-Id: %s]" % (
                last.get("method"), last.get("url"), last.get("status"),
                h.get("Content-Type"), h.get("X-Project-Id")))

    # ---- call wrappers -----------------------------------------------------------------------

    def call(self, name, method, request, expect_status=200, fatal=False):
        """Call a CsmsClient method expecting success; returns the response or None."""
        self.last = {}
        try:
            resp = getattr(self.client, method)(request)
        except self.exc.ServiceResponseException as e:
            self.r.fail(name, "%s answered HTTP %s %s: %s (request_id=%s)" % (
                method, e.status_code, e.error_code, e.error_msg, e.request_id))
            if fatal:
                raise Fatal(name)
            return None
        except self.exc.SdkException as e:
            self.r.fail(name, "%s raised %s" % (method, e))
            if fatal:
                raise Fatal(name)
            return None
        ok = self.r.eq(resp.status_code, expect_status, name + " status")
        self._check_transport(name)
        if fatal and not ok:
            raise Fatal(name)
        return resp

    def call_error(self, name, method, request, expect_status, expect_codes):
        """Call expecting an error response with one of expect_codes (str or tuple)."""
        if isinstance(expect_codes, str):
            expect_codes = (expect_codes,)
        if isinstance(expect_status, int):
            expect_status = (expect_status,)
        self.last = {}
        try:
            resp = getattr(self.client, method)(request)
        except self.exc.ServiceResponseException as e:
            self.r.check(e.status_code in expect_status, name + " status",
                         "expected HTTP %s, got %s (%s %s)" % ("/".join(map(str, expect_status)),
                                                               e.status_code, e.error_code, e.error_msg))
            self.r.check(e.error_code in expect_codes, name + " error_code",
                         "expected %s, got %r (msg %r)" % ("/".join(expect_codes), e.error_code, e.error_msg))
            self.r.check(bool(e.error_msg) and e.error_msg != self.last.get("body", b"").decode("utf-8", "replace"),
                         name + " error_msg", "error body lacks error_msg (SDK fell back to raw body)")
            self.r.check(bool(e.request_id), name + " request_id",
                         "error response has no X-Request-Id header")
            return e
        except self.exc.SdkException as e:
            self.r.fail(name, "%s raised %s" % (method, e))
            return None
        self.r.fail(name, "expected HTTP %s %s, but the call succeeded with %s" % (
            "/".join(map(str, expect_status)), "/".join(expect_codes), resp.status_code))
        return None

    def post_stage(self, name, secret_name, stage, version_id):
        """POST /v1/{project_id}/secrets/{secret_name}/stages (no SDK method) through the client's generic call_api."""
        self.last = {}
        try:
            resp = self.client.call_api(
                resource_path="/v1/{project_id}/secrets/{secret_name}/stages",
                method="POST",
                path_params={"secret_name": secret_name},
                query_params=[],
                header_params={"Content-Type": "application/json;charset=utf-8"},  # as generated ops send it
                body={"name": stage, "version_id": version_id},
                post_params={},
                response_type="UpdateSecretStageResponse",   # same {"stage": Stage} shape
                response_headers=[],
                collection_formats={})
        except self.exc.ServiceResponseException as e:
            self.r.fail(name, "POST /stages answered HTTP %s %s: %s" % (e.status_code, e.error_code, e.error_msg))
            return None
        self.r.eq(resp.status_code, 200, name + " status")
        self._check_transport(name)
        return resp

    # ---- small read helpers --------------------------------------------------------------------

    def version(self, secret, vid, label):
        resp = self.call(label, "show_secret_version",
                         self.m.ShowSecretVersionRequest(secret_name=secret, version_id=vid))
        return resp.version if resp is not None and resp.version is not None else None

    def stages_of(self, secret, vid, label):
        v = self.version(secret, vid, label)
        if v is None or v.version_metadata is None:
            self.r.fail(label, "no version_metadata for %s" % vid)
            return None
        return sorted(v.version_metadata.version_stages or [])

    def expect_stages(self, secret, vid, expected, label):
        got = self.stages_of(secret, vid, label + " (read)")
        if got is not None:
            self.r.eq(got, sorted(expected), label)

    def stage_target(self, secret, stage, expected_vid, label):
        resp = self.call(label + " (read)", "show_secret_stage",
                         self.m.ShowSecretStageRequest(secret_name=secret, stage_name=stage))
        if resp is None or resp.stage is None:
            self.r.fail(label, "no stage object")
            return
        self.r.eq(resp.stage.version_id, expected_vid, label)

    def all_versions(self, secret, label):
        resp = self.call(label, "list_secret_versions", self.m.ListSecretVersionsRequest(secret_name=secret))
        if resp is None:
            return None
        return {vm.id: sorted(vm.version_stages or []) for vm in (resp.version_metadatas or [])}

    def create_secret(self, name, label, fatal=False, **body):
        resp = self.call(label, "create_secret",
                         self.m.CreateSecretRequest(body=self.m.CreateSecretRequestBody(name=name, **body)),
                         fatal=fatal)
        if resp is not None:
            self.created.append(name)
        return resp

    # ---- the scenario ----------------------------------------------------------------------------

    def run(self):
        m, r = self.m, self.r
        S = "%s-main" % self.prefix
        value1 = "initial-value-%s" % uuid.uuid4().hex[:8]
        raw2 = bytes(range(256)) + b"csmsd"
        value2_b64 = base64.b64encode(raw2).decode("ascii")
        value3 = '{"user":"app","password":"v3-%s"}' % uuid.uuid4().hex[:8]
        uuid_re = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

        print("== create secret %s" % S)
        resp = self.create_secret(S, "create_secret", fatal=True, secret_string=value1,
                                  description="python sdk lifecycle")
        sec = resp.secret
        if sec is None:
            r.fail("create_secret body", "response has no 'secret' object")
            raise Fatal("create_secret")
        r.eq(sec.name, S, "create_secret secret.name")
        r.check(isinstance(sec.id, str) and uuid_re.match(sec.id), "create_secret secret.id is a lowercase UUID",
                "got %r" % sec.id)
        r.eq(sec.state, "ENABLED", "create_secret secret.state")
        r.eq(sec.description, "python sdk lifecycle", "create_secret secret.description")
        r.check(isinstance(sec.kms_key_id, str) and sec.kms_key_id != "", "create_secret secret.kms_key_id set",
                "got %r" % sec.kms_key_id)
        check_ts(r, sec.create_time, "create_secret secret.create_time")
        check_ts(r, sec.update_time, "create_secret secret.update_time")
        r.check(sec.scheduled_delete_time in (None, 0), "create_secret scheduled_delete_time unset",
                "got %r" % sec.scheduled_delete_time)
        r.check(sec.secret_type in (None, "COMMON"), "create_secret secret_type COMMON",
                "got %r" % sec.secret_type)
        secret_id, created_at = sec.id, sec.create_time

        self.call_error("create_secret duplicate name", "create_secret",
                        m.CreateSecretRequest(body=m.CreateSecretRequestBody(name=S, secret_string="x")),
                        409, "CSMS.0101")

        print("== show secret")
        resp = self.call("show_secret", "show_secret", m.ShowSecretRequest(secret_name=S))
        if resp is not None and resp.secret is not None:
            r.eq(resp.secret.id, secret_id, "show_secret secret.id")
            r.eq(resp.secret.name, S, "show_secret secret.name")
            r.eq(resp.secret.state, "ENABLED", "show_secret secret.state")
            r.eq(resp.secret.create_time, created_at, "show_secret secret.create_time")
        self.call_error("show_secret missing", "show_secret",
                        m.ShowSecretRequest(secret_name=S + "-nope"), *NOT_FOUND)

        print("== initial version v1")
        v = self.version(S, "v1", "show_secret_version v1")
        if v is not None:
            vm = v.version_metadata
            r.eq(vm.id if vm else None, "v1", "v1 version_metadata.id")
            r.eq(vm.secret_name if vm else None, S, "v1 version_metadata.secret_name")
            r.eq(sorted(vm.version_stages or []) if vm else None, ["SYSCURRENT"], "v1 stages after create")
            check_ts(r, vm.create_time if vm else None, "v1 create_time")
            r.eq(v.secret_string, value1, "v1 secret_string")
            r.eq(v.secret_binary, None, "v1 secret_binary absent")

        print("== create version v2 (secret_binary, no version_stages)")
        resp = self.call("create_secret_version v2", "create_secret_version",
                         m.CreateSecretVersionRequest(
                             secret_name=S, body=m.CreateSecretVersionRequestBody(secret_binary=value2_b64)),
                         fatal=True)
        vm = resp.version_metadata
        r.eq(vm.id if vm else None, "v2", "create v2 version_metadata.id")
        r.eq(vm.secret_name if vm else None, S, "create v2 version_metadata.secret_name")
        r.eq(sorted(vm.version_stages or []) if vm else None, ["SYSCURRENT"], "create v2 version_stages")
        check_ts(r, vm.create_time if vm else None, "create v2 create_time")
        r.check(vm is not None and vm.expire_time in (None, 0), "create v2 expire_time unset",
                "got %r" % (vm.expire_time if vm else None))
        self.expect_stages(S, "v1", ["SYSPREVIOUS"], "v1 gets SYSPREVIOUS when v2 takes SYSCURRENT")
        self.stage_target(S, "SYSCURRENT", "v2", "stage SYSCURRENT -> v2")
        self.stage_target(S, "SYSPREVIOUS", "v1", "stage SYSPREVIOUS -> v1")

        print("== list versions")
        resp = self.call("list_secret_versions", "list_secret_versions",
                         m.ListSecretVersionsRequest(secret_name=S))
        if resp is not None:
            got = {x.id: sorted(x.version_stages or []) for x in (resp.version_metadatas or [])}
            r.eq(got, {"v1": ["SYSPREVIOUS"], "v2": ["SYSCURRENT"]}, "list_secret_versions ids/stages")
            r.check(resp.page_info is not None, "list_secret_versions has page_info")
            for x in resp.version_metadatas or []:
                check_ts(r, x.create_time, "list_secret_versions %s create_time" % x.id)
        # paging through versions one at a time (ListSecretVersionsRequest.limit is an int)
        seen, marker, pages = [], None, 0
        while pages < 10:
            pages += 1
            resp = self.call("list_secret_versions limit=1 page %d" % pages, "list_secret_versions",
                             m.ListSecretVersionsRequest(secret_name=S, limit=1, marker=marker))
            if resp is None:
                break
            items = [x.id for x in (resp.version_metadatas or [])]
            r.check(len(items) <= 1, "versions page %d size <= limit" % pages, "got %r" % items)
            seen += items
            nm = resp.page_info.next_marker if resp.page_info else None
            if not nm:
                break
            r.eq(nm, items[-1] if items else None, "versions page %d next_marker = last item" % pages)
            marker = nm
        r.eq(sorted(seen), ["v1", "v2"], "versions paging visits v1,v2 exactly once")

        print("== show latest")
        v = self.version(S, "latest", "show_secret_version latest")
        if v is not None:
            r.eq(v.version_metadata.id if v.version_metadata else None, "v2", "latest = v2")
            r.eq(v.secret_binary, value2_b64, "latest secret_binary round-trips")
            r.eq(v.secret_string, None, "latest secret_string absent")
            try:
                r.eq(base64.b64decode(v.secret_binary or ""), raw2, "latest secret_binary decodes to original bytes")
            except Exception as e:  # noqa: BLE001
                r.fail("latest secret_binary decodes", str(e))
        self.call_error("show_secret_version missing", "show_secret_version",
                        m.ShowSecretVersionRequest(secret_name=S, version_id="v99"), *NOT_FOUND)

        print("== update version v1 expire_time")
        expire = (now_ms() // 1000 + 30 * 86400) * 1000
        resp = self.call("update_version v1", "update_version",
                         m.UpdateVersionRequest(secret_name=S, version_id="v1",
                                                body=m.UpdateVersionRequestBody(expire_time=expire)))
        if resp is not None and resp.version_metadata is not None:
            r.eq(resp.version_metadata.id, "v1", "update_version version_metadata.id")
            r.eq(resp.version_metadata.expire_time, expire, "update_version expire_time")
        v = self.version(S, "v1", "show v1 after update_version")
        if v is not None and v.version_metadata is not None:
            r.eq(v.version_metadata.expire_time, expire, "v1 expire_time persisted")
            r.eq(sorted(v.version_metadata.version_stages or []), ["SYSPREVIOUS"], "update_version keeps stages")
        resp = self.call("update_version v1 sub-second", "update_version",
                         m.UpdateVersionRequest(secret_name=S, version_id="v1",
                                                body=m.UpdateVersionRequestBody(expire_time=expire + 789)))
        if resp is not None and resp.version_metadata is not None:
            r.eq(resp.version_metadata.expire_time, expire, "update_version truncates expire_time to seconds")

        print("== PUT custom stage")
        CUSTOM = "PYSTAGE"
        t0 = now_ms()
        resp = self.call("update_secret_stage PYSTAGE->v1", "update_secret_stage",
                         m.UpdateSecretStageRequest(secret_name=S, stage_name=CUSTOM,
                                                    body=m.UpdateSecretStageRequestBody(version_id="v1")))
        if resp is not None and resp.stage is not None:
            st = resp.stage
            r.eq(st.name, CUSTOM, "update_secret_stage stage.name")
            r.eq(st.version_id, "v1", "update_secret_stage stage.version_id")
            r.eq(st.secret_name, S, "update_secret_stage stage.secret_name")
            check_ts(r, st.update_time, "update_secret_stage stage.update_time", near=t0)
        resp = self.call("show_secret_stage PYSTAGE", "show_secret_stage",
                         m.ShowSecretStageRequest(secret_name=S, stage_name=CUSTOM))
        if resp is not None and resp.stage is not None:
            r.eq(resp.stage.name, CUSTOM, "show_secret_stage stage.name")
            r.eq(resp.stage.version_id, "v1", "show_secret_stage stage.version_id")
            r.eq(resp.stage.secret_name, S, "show_secret_stage stage.secret_name")
            check_ts(r, resp.stage.update_time, "show_secret_stage stage.update_time", near=t0)
        self.expect_stages(S, "v1", ["SYSPREVIOUS", CUSTOM], "v1 carries SYSPREVIOUS+PYSTAGE")

        print("== move custom stage with PUT")
        resp = self.call("update_secret_stage PYSTAGE->v2", "update_secret_stage",
                         m.UpdateSecretStageRequest(secret_name=S, stage_name=CUSTOM,
                                                    body=m.UpdateSecretStageRequestBody(version_id="v2")))
        if resp is not None and resp.stage is not None:
            r.eq(resp.stage.version_id, "v2", "PUT move stage.version_id")
        self.expect_stages(S, "v1", ["SYSPREVIOUS"], "PUT move removes PYSTAGE from v1")
        self.expect_stages(S, "v2", ["SYSCURRENT", CUSTOM], "PUT move adds PYSTAGE to v2")
        self.stage_target(S, CUSTOM, "v2", "show stage PYSTAGE -> v2")

        print("== create version v3 with version_stages=[PYSTAGE]")
        resp = self.call("create_secret_version v3", "create_secret_version",
                         m.CreateSecretVersionRequest(
                             secret_name=S, body=m.CreateSecretVersionRequestBody(
                                 secret_string=value3, version_stages=[CUSTOM])))
        if resp is not None and resp.version_metadata is not None:
            r.eq(resp.version_metadata.id, "v3", "create v3 version_metadata.id")
            r.eq(sorted(resp.version_metadata.version_stages or []), [CUSTOM], "create v3 version_stages")
        self.stage_target(S, "SYSCURRENT", "v2", "SYSCURRENT stays on v2 when version_stages omits it")
        self.stage_target(S, "SYSPREVIOUS", "v1", "SYSPREVIOUS stays on v1 when version_stages omits SYSCURRENT")
        self.expect_stages(S, "v2", ["SYSCURRENT"], "PYSTAGE moved off v2 by create v3")
        v = self.version(S, "latest", "show latest after v3")
        if v is not None:
            r.eq(v.version_metadata.id if v.version_metadata else None, "v3", "latest = v3 (highest number)")
            r.eq(v.secret_string, value3, "latest secret_string = v3 value")

        print("== POST /stages (CreateSecretStage, generic call)")
        POSTED = "PYPOST"
        t0 = now_ms()
        resp = self.post_stage("POST /stages PYPOST->v1", S, POSTED, "v1")
        if resp is not None:
            st = resp.stage
            r.check(st is not None, "POST /stages returns {\"stage\": ...}")
            if st is not None:
                r.eq(st.name, POSTED, "POST /stages stage.name")
                r.eq(st.version_id, "v1", "POST /stages stage.version_id")
                r.eq(st.secret_name, S, "POST /stages stage.secret_name")
                check_ts(r, st.update_time, "POST /stages stage.update_time", near=t0)
        self.stage_target(S, POSTED, "v1", "show stage PYPOST -> v1")
        resp = self.post_stage("POST /stages PYPOST->v3 (move)", S, POSTED, "v3")
        if resp is not None and resp.stage is not None:
            r.eq(resp.stage.version_id, "v3", "POST /stages move stage.version_id")
        self.expect_stages(S, "v1", ["SYSPREVIOUS"], "POST move removes PYPOST from v1")
        self.expect_stages(S, "v3", [CUSTOM, POSTED], "POST move adds PYPOST to v3")

        print("== move SYSCURRENT with PUT")
        resp = self.call("update_secret_stage SYSCURRENT->v3", "update_secret_stage",
                         m.UpdateSecretStageRequest(secret_name=S, stage_name="SYSCURRENT",
                                                    body=m.UpdateSecretStageRequestBody(version_id="v3")))
        if resp is not None and resp.stage is not None:
            r.eq(resp.stage.version_id, "v3", "PUT SYSCURRENT stage.version_id")
        self.stage_target(S, "SYSPREVIOUS", "v2", "SYSPREVIOUS follows the former SYSCURRENT holder (v2)")
        self.expect_stages(S, "v3", ["SYSCURRENT", CUSTOM, POSTED], "v3 carries SYSCURRENT+PYSTAGE+PYPOST")
        self.expect_stages(S, "v2", ["SYSPREVIOUS"], "v2 carries only SYSPREVIOUS")
        versions = self.all_versions(S, "list versions after SYSCURRENT move")
        if versions is not None:
            # v1 has no stage now (deprecated); a background task may already have removed it.
            r.check(versions.get("v1", []) == [], "v1 is stage-less (deprecated) or purged",
                    "v1 stages: %r" % versions.get("v1"))
            r.eq(versions.get("v2"), ["SYSPREVIOUS"], "list: v2 stages")
            r.eq(versions.get("v3"), sorted(["SYSCURRENT", CUSTOM, POSTED]), "list: v3 stages")
        # moving SYSCURRENT onto its holder changes nothing
        self.call("update_secret_stage SYSCURRENT->v3 again", "update_secret_stage",
                  m.UpdateSecretStageRequest(secret_name=S, stage_name="SYSCURRENT",
                                             body=m.UpdateSecretStageRequestBody(version_id="v3")))
        self.stage_target(S, "SYSPREVIOUS", "v2", "no-op SYSCURRENT move keeps SYSPREVIOUS on v2")
        self.call_error("update_secret_stage to missing version", "update_secret_stage",
                        m.UpdateSecretStageRequest(secret_name=S, stage_name=CUSTOM,
                                                   body=m.UpdateSecretStageRequestBody(version_id="v99")),
                        *NOT_FOUND)

        print("== delete stages")
        resp = self.call("delete_secret_stage PYSTAGE", "delete_secret_stage",
                         m.DeleteSecretStageRequest(secret_name=S, stage_name=CUSTOM), expect_status=204)
        if resp is not None:
            r.check(not resp.raw_content, "delete_secret_stage has empty body", "got %r" % resp.raw_content)
        self.call_error("show_secret_stage deleted", "show_secret_stage",
                        m.ShowSecretStageRequest(secret_name=S, stage_name=CUSTOM), *NOT_FOUND)
        self.call_error("delete_secret_stage again", "delete_secret_stage",
                        m.DeleteSecretStageRequest(secret_name=S, stage_name=CUSTOM), *NOT_FOUND)
        self.call("delete_secret_stage PYPOST", "delete_secret_stage",
                  m.DeleteSecretStageRequest(secret_name=S, stage_name=POSTED), expect_status=204)
        self.expect_stages(S, "v3", ["SYSCURRENT"], "v3 keeps only SYSCURRENT after stage deletes")
        self.expect_stages(S, "v2", ["SYSPREVIOUS"], "deleting custom stages leaves v2 alone")
        for sysstage in ("SYSCURRENT", "SYSPREVIOUS"):
            self.call_error("delete_secret_stage %s refused" % sysstage, "delete_secret_stage",
                            m.DeleteSecretStageRequest(secret_name=S, stage_name=sysstage), 400, "CSMS.0105")

        print("== list secrets with pagination (limit=2)")
        page_names = ["%s-page-%d" % (self.prefix, i) for i in range(5)]
        for n in page_names:
            self.create_secret(n, "create_secret %s" % n, secret_string="page-value")
        collected, marker, pages = [], None, 0
        while True:
            pages += 1
            if pages > 500:
                r.fail("list_secrets pagination", "more than 500 pages; next_marker never ends")
                break
            # ListSecretsRequest.limit is typed 'str' in the SDK model
            resp = self.call("list_secrets page %d" % pages, "list_secrets",
                             m.ListSecretsRequest(limit="2", marker=marker))
            if resp is None:
                break
            names = [s.name for s in (resp.secrets or [])]
            collected += names
            if not r.check(resp.page_info is not None, "list_secrets page %d has page_info" % pages):
                break
            if len(names) > 2:
                r.fail("list_secrets page %d size" % pages, "limit=2 but got %d items" % len(names))
            nm = resp.page_info.next_marker
            if not nm:
                break
            if names and nm != names[-1]:
                r.fail("list_secrets page %d next_marker" % pages,
                       "next_marker %r is not the last item %r" % (nm, names[-1]))
            if not names:
                r.fail("list_secrets page %d" % pages, "empty page carries next_marker %r" % nm)
                break
            marker = nm
        dupes = sorted({n for n in collected if collected.count(n) > 1})
        r.check(not dupes, "list_secrets pagination has no duplicates (marker is exclusive)",
                "duplicates: %r" % dupes)
        missing = [n for n in [S] + page_names if n not in collected]
        r.check(not missing, "list_secrets pagination reaches all our secrets", "missing: %r" % missing)
        if collected:
            resp = self.call("list_secrets past the end", "list_secrets",
                             m.ListSecretsRequest(limit="2", marker=collected[-1]))
            if resp is not None:
                r.eq(resp.secrets or [], [], "list_secrets past the end is an empty array")
                r.check(resp.page_info is not None and not resp.page_info.next_marker,
                        "list_secrets past the end has no next_marker",
                        "page_info=%r" % (resp.page_info.to_dict() if resp.page_info else None))

        print("== update secret description")
        t0 = now_ms()
        resp = self.call("update_secret", "update_secret",
                         m.UpdateSecretRequest(secret_name=S,
                                               body=m.UpdateSecretRequestBody(description="updated by python sdk")))
        if resp is not None and resp.secret is not None:
            r.eq(resp.secret.description, "updated by python sdk", "update_secret secret.description")
            r.eq(resp.secret.name, S, "update_secret secret.name")
            r.eq(resp.secret.id, secret_id, "update_secret secret.id")
            check_ts(r, resp.secret.update_time, "update_secret secret.update_time", near=t0)
            r.check(isinstance(resp.secret.update_time, int) and resp.secret.update_time >= created_at,
                    "update_secret update_time >= create_time")
        resp = self.call("show_secret after update", "show_secret", m.ShowSecretRequest(secret_name=S))
        if resp is not None and resp.secret is not None:
            r.eq(resp.secret.description, "updated by python sdk", "description persisted")

        print("== schedule deletion (7 days) and restore")
        t0 = now_ms()
        resp = self.call("delete_secret_for_schedule", "delete_secret_for_schedule",
                         m.DeleteSecretForScheduleRequest(
                             secret_name=S, body=m.DeleteSecretForScheduleRequestBody(recovery_window_in_days=7)))
        if resp is not None and resp.secret is not None:
            r.eq(resp.secret.state, "PENDING_DELETE", "delete_secret_for_schedule state")
            check_ts(r, resp.secret.scheduled_delete_time, "scheduled_delete_time = now + 7 days",
                     near=t0 + 7 * 86400 * 1000)
        resp = self.call("show_secret pending delete", "show_secret", m.ShowSecretRequest(secret_name=S))
        if resp is not None and resp.secret is not None:
            r.eq(resp.secret.state, "PENDING_DELETE", "show_secret state PENDING_DELETE")
        self.call_error("create_secret_version on PENDING_DELETE", "create_secret_version",
                        m.CreateSecretVersionRequest(secret_name=S,
                                                     body=m.CreateSecretVersionRequestBody(secret_string="x")),
                        (400, 403), ("CSMS.0103", "CSMS.0109"))
        resp = self.call("restore_secret", "restore_secret", m.RestoreSecretRequest(secret_name=S))
        if resp is not None and resp.secret is not None:
            r.eq(resp.secret.state, "ENABLED", "restore_secret state")
            r.check(resp.secret.scheduled_delete_time in (None, 0), "restore_secret clears scheduled_delete_time",
                    "got %r" % resp.secret.scheduled_delete_time)
        self.call_error("restore_secret when not scheduled", "restore_secret",
                        m.RestoreSecretRequest(secret_name=S), 400, "CSMS.0108")
        v = self.version(S, "latest", "show latest after restore")
        if v is not None:
            r.eq(v.secret_string, value3, "restored secret still serves v3")

        print("== delete secrets")
        resp = self.call("delete_secret", "delete_secret", m.DeleteSecretRequest(secret_name=S), expect_status=200)
        if resp is not None:
            r.check(not resp.raw_content, "delete_secret has empty body", "got %r" % resp.raw_content)
            self.created.remove(S)
        self.call_error("show_secret after delete", "show_secret", m.ShowSecretRequest(secret_name=S), *NOT_FOUND)
        self.call_error("show_secret_version after delete", "show_secret_version",
                        m.ShowSecretVersionRequest(secret_name=S, version_id="latest"), *NOT_FOUND)
        for n in page_names:
            if n in self.created:
                if self.call("delete_secret %s" % n, "delete_secret", m.DeleteSecretRequest(secret_name=n)):
                    self.created.remove(n)

    def cleanup(self):
        for n in list(self.created):
            try:
                self.client.delete_secret(self.m.DeleteSecretRequest(secret_name=n))
            except Exception:  # noqa: BLE001 - best effort
                pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--endpoint", required=True, help="e.g. http://127.0.0.1:8443")
    ap.add_argument("--project-id", required=True, help="32 hex characters")
    ap.add_argument("--ak", default=os.environ.get("CSMS_TEST_AK", "AKEXAMPLE"))
    ap.add_argument("--sk", default=os.environ.get("CSMS_TEST_SK", "SKEXAMPLE"))
    ap.add_argument("--ca-file", default="", help="verify an https:// endpoint against this CA certificate")
    ap.add_argument("--prefix", default="pysdk-%s" % uuid.uuid4().hex[:8],
                    help="name prefix of every secret created (default pysdk-<random>)")
    ap.add_argument("--sdk-dir", default=os.environ.get("CSMS_PY_SDK_DIR", ""))
    ap.add_argument("--timeout", type=float, default=30.0, help="read timeout per request, seconds")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    if not re.match(r"^[0-9a-fA-F]{32}$", args.project_id):
        ap.error("--project-id must be 32 hex characters")
    if not re.match(r"^https?://[^/]+/?$", args.endpoint):
        ap.error("--endpoint must look like http://127.0.0.1:PORT")
    if not re.match(r"^[a-zA-Z0-9_-]{1,40}$", args.prefix):
        ap.error("--prefix must match ^[a-zA-Z0-9_-]{1,40}$")

    t = Lifecycle(args)
    try:
        t.run()
    except Fatal as e:
        t.r.fail("aborted", "stopping after fatal failure in step %r" % str(e))
    except Exception:  # noqa: BLE001
        t.r.fail("aborted", "unexpected exception:\n" + traceback.format_exc())
    finally:
        t.cleanup()
        t.client.close()

    r = t.r
    if r.failures:
        print("\nFailures:")
        for f in r.failures:
            print("  " + f)
    print("python sdk lifecycle: %d passed, %d failed" % (r.passed, r.failed))
    sys.exit(0 if r.failed == 0 else 1)


if __name__ == "__main__":
    main()
