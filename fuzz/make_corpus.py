#!/usr/bin/env python3
# make_corpus.py: writes the seed corpora (fuzz/corpus/<target>/) from the route table, the contract and signing.md.
#
# Deterministic: running it again rewrites the same files. Signed requests use the AK/SK and X-Sdk-Date of the
# shared/signing.md test vectors, which fuzz/api_harness.hpp installs as an admin access key at that time, so they
# authenticate; the vectors themselves are checked here before anything is written.
import hashlib
import hmac
import pathlib
import shutil
import sys
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
PROJECT = "0123456789abcdef0123456789abcdef"
AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSK/+=0123456789abcdefghijklmnopqrs"
DATE = "20240101T120000Z"
TOKEN = "csmst_fuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZfuz"
HOST = "127.0.0.1:8443"
UNRESERVED = "-_.~"


def enc(text):
    return urllib.parse.quote(text, safe=UNRESERVED)


def canonical_uri(path, python=True):
    segments = (urllib.parse.unquote(path) if python else path).split("/")
    uri = "/".join(enc(s) for s in segments)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query):
    pairs = []
    for item in query.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        pairs.append((urllib.parse.unquote(key), urllib.parse.unquote(value)))
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(pairs))


def sign(method, target, headers, body, python=True):
    """headers: list of (Name, value); returns the Authorization value over all of them."""
    path, _, query = target.partition("?")
    signed = sorted((name.lower(), value.strip()) for name, value in headers)
    payload = hashlib.sha256(body.encode()).hexdigest()
    canonical = "\n".join([method, canonical_uri(path, python), canonical_query(query),
                           "".join(f"{n}:{v}\n" for n, v in signed), ";".join(n for n, _ in signed), payload])
    to_sign = f"SDK-HMAC-SHA256\n{DATE}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(SK.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders={';'.join(n for n, _ in signed)}, Signature={signature}"


def vector_headers(content_type):
    return [("Content-Type", content_type), ("Host", HOST), ("User-Agent", "huaweicloud-usdk-python/3.0; test"),
            ("X-Project-Id", PROJECT), ("X-Sdk-Date", DATE)]


def check_vectors():
    a = sign("POST", f"/v1/{PROJECT}/secrets/db%20pass/versions?limit=10&limit=2&marker=a%20b%2Fc",
             vector_headers("application/json;charset=UTF-8"), '{"secret_string": "s3cr3t-v2"}')
    b = sign("GET", f"/v1/{PROJECT}/secrets?limit=2&marker=app-db", vector_headers("application/json"), "")
    c = sign("PUT", f"/v1/{PROJECT}/secrets/app-db/stages/PENDING", vector_headers("application/json;charset=UTF-8"),
             '{"version_id":"v1"}')
    expected = ["a619ed65f2718915afb5c5da9cf435755d21b1abf93a5216777eb317b8db1787",
                "4656b483f616a05fa78c0ba65a885b406a3d520c4006c978b90cdfd7acb25218",
                "6315008a8c91992a1fb25eb6dca808b71a58816104e5ff16a394bcf9fa4c31de"]
    for value, signature in zip([a, b, c], expected):
        if not value.endswith("Signature=" + signature):
            sys.exit(f"make_corpus.py: signing.md vector mismatch: {value}")


S = f"/v1/{PROJECT}/secrets"
C = f"/v1/{PROJECT}/csms"
# fuzz/api_harness.hpp kAppDbIdPlaceholder: the harness puts the seeded secret's real id in its place.
APP_DB_ID = "00000000-0000-4000-8000-0000000a99db"
NOTIFICATION = '"notification":{"target_type":"SMN","target_id":"urn:smn:region:0123:topic","target_name":"topic"}'
# (operation, method, target, body): every row of daemon/api/routes.cpp, bodies as in csms-api.md and docs/auth.md.
OPERATIONS = [
    ("CreateSecret", "POST", S, '{"name":"db-pass","secret_string":"s3cr3t","description":"smoke"}'),
    ("CreateSecret-binary", "POST", S, '{"name":"blob","secret_binary":"AAECAw==","kms_key_id":'
     '"8a6c3c6a-1bd1-4e4f-9b37-5c9f2e4d1a0b","event_subscriptions":["pocEvent"],"enterprise_project_id":"0"}'),
    ("CreateSecret-rds", "POST", S, '{"name":"rds","secret_string":"{\\"u\\":\\"p\\"}","secret_type":"RDS-FG",'
     '"auto_rotation":true,"rotation_period":"30d","rotation_config":'
     '"{\\"InstanceId\\":\\"i-1\\",\\"SecretSubType\\":\\"MultiUser\\"}","rotation_func_urn":"urn:fss:x"}'),
    ("ListSecrets", "GET", S + "?limit=2&marker=app-db", ""),
    ("ListSecrets-event", "GET", S + "?event_name=pocEvent", ""),
    ("ShowSecret", "GET", S + "/app-db", ""),
    ("UpdateSecret", "PUT", S + "/app-db", '{"description":"new","auto_rotation":false,"rotation_period":"6h",'
     '"event_subscriptions":[]}'),
    ("DeleteSecret", "DELETE", S + "/fuzz", ""),
    ("DeleteSecretForSchedule", "POST", S + "/fuzz/scheduled-deleted-tasks/create", '{"recovery_window_in_days":7}'),
    ("RestoreSecret", "POST", S + "/fuzz/scheduled-deleted-tasks/cancel", ""),
    ("CreateSecretVersion", "POST", S + "/app-db/versions",
     '{"secret_string":"v3","version_stages":["SYSCURRENT","blue"],"expire_time":1893456000000}'),
    ("ListSecretVersions", "GET", S + "/app-db/versions?limit=1&marker=v1", ""),
    ("ShowSecretVersion", "GET", S + "/app-db/versions/latest", ""),
    ("ShowSecretVersion-v1", "GET", S + "/app-db/versions/v1", ""),
    ("UpdateVersion", "PUT", S + "/app-db/versions/v1", '{"expire_time":1893456000000}'),
    ("CreateSecretStage", "POST", S + "/app-db/stages", '{"name":"green","version_id":"v2"}'),
    ("UpdateSecretStage", "PUT", S + "/app-db/stages/PENDING", '{"version_id":"v2"}'),
    ("ShowSecretStage", "GET", S + "/app-db/stages/SYSCURRENT", ""),
    ("DeleteSecretStage", "DELETE", S + "/app-db/stages/PENDING", ""),
    ("CreateCredential", "POST", "/v1/csmsd/credentials",
     '{"type":"access_key","role":"writer","projects":["' + PROJECT + '"],"description":"ci"}'),
    ("CreateCredential-token", "POST", "/v1/csmsd/credentials", '{"type":"token","role":"reader","projects":["*"]}'),
    ("ListCredentials", "GET", "/v1/csmsd/credentials", ""),
    ("RevokeCredential", "DELETE", "/v1/csmsd/credentials/00000000-0000-4000-8000-0000000000ff", ""),
    ("ShowMasterKey", "GET", "/v1/csmsd/master-key", ""),
    ("RotateMasterKey", "POST", "/v1/csmsd/master-key/rotate", ""),
    ("WhoAmI", "GET", "/v1/csmsd/whoami", ""),
    ("CreateSecretTag", "POST", f"{C}/{APP_DB_ID}/tags", '{"tag":{"key":"team","value":"payments"}}'),
    ("CreateSecretTag-unicode", "POST", f"{C}/{APP_DB_ID}/tags", '{"tag":{"key":"\u73af\u5883","value":"a b/c"}}'),
    ("DeleteSecretTag", "DELETE", f"{C}/{APP_DB_ID}/tags/env", ""),
    ("ListSecretTags", "GET", f"{C}/{APP_DB_ID}/tags", ""),
    ("BatchCreateOrDeleteTags", "POST", f"{C}/{APP_DB_ID}/tags/action",
     '{"action":"create","tags":[{"key":"a","value":"1"},{"key":"b","value":""}],"sequence":"s-1"}'),
    ("BatchCreateOrDeleteTags-delete", "POST", f"{C}/{APP_DB_ID}/tags/action",
     '{"action":"delete","tags":[{"key":"env","value":"prod"}]}'),
    ("ListProjectSecretsTags", "GET", f"{C}/tags", ""),
    ("ListResourceInstances", "POST", f"{C}/resource_instances/action",
     '{"action":"filter","limit":"10","offset":"0","tags":[{"key":"env","values":["prod","dev"]}],'
     '"matches":[{"key":"resource_name","value":"app"}]}'),
    ("ListResourceInstances-count", "POST", f"{C}/resource_instances/action",
     '{"action":"count","tags":[{"key":"env","values":[]}],"limit":10,"offset":0}'),
    ("CreateSecretEvent", "POST", f"{C}/events",
     '{"name":"ev-1","event_types":["SECRET_VERSION_EXPIRED","SECRET_ROTATED"],"state":"ENABLED",' + NOTIFICATION + '}'),
    ("ListSecretEvents", "GET", f"{C}/events?limit=1&marker=fuzz-event", ""),
    ("ShowSecretEvent", "GET", f"{C}/events/fuzz-event", ""),
    ("UpdateSecretEvent", "PUT", f"{C}/events/fuzz-event", '{"state":"DISABLED","event_types":["SECRET_DELETED"]}'),
    ("DeleteSecretEvent", "DELETE", f"{C}/events/fuzz-event", ""),
    ("ListNotificationRecords", "GET", f"{C}/notification-records", ""),
    ("RotateSecret", "POST", S + "/app-db/rotate", ""),
    ("ListSecretTask", "GET", f"{C}/tasks?secret_name=app-db&status=SUCCESS&limit=5", ""),
    ("DownloadSecretBlob", "POST", S + "/app-db/backup", ""),
    ("UploadSecretBlob", "POST", S + "/restore", '{"secret_blob":"Q1NCSwEAAAA="}'),
    ("GenerateRandomPassword", "POST", f"{C}/generate-password",
     '{"length":24,"exclude_characters":"0Ol1","exclude_punctuation":true,"include_space":false,'
     '"require_each_included_type":true}'),
    ("BatchImportSecrets", "POST", S + "/batch-import",
     '{"secrets":[{"name":"imp-1","secret_string":"a"},{"name":"app-db","secret_string":"b"},{"name":"bad name"}]}'),
    ("CreateAgency", "POST", "/v1/csms/agencies", '{"secret_type":"RDS-FG"}'),
    ("ShowSecretFunctionTemplates", "GET", "/v1/csms/function-templates?secret_type=RDS-FG&engine=mysql", ""),
    ("ListGrants", "GET", f"{C}/grants?resource_id=x", ""),
    ("ListUsers", "GET", "/v1/csms/users?offset=0&limit=10", ""),
    ("CheckSecrets", "POST", S + "/checker/check", '{"type":"x","data":{}}'),
    ("ShowSecretsConfig", "GET", S + "/checker/config", ""),
    ("UpdateSecretsConfig", "POST", S + "/checker/config", '{"checking_secret_strength":true}'),
    ("KeystoneListProjects", "GET", "/v3/projects?name=cn-north-4", ""),
]


def http_request(method, target, headers, body):
    lines = [f"{method} {target} HTTP/1.1"] + [f"{n}: {v}" for n, v in headers]
    if body or method in ("POST", "PUT", "DELETE"):
        lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def signed_headers(method, target, body, python=True):
    headers = [("Content-Type", "application/json;charset=UTF-8"), ("Host", HOST), ("X-Project-Id", PROJECT),
               ("X-Sdk-Date", DATE)]
    if python:
        headers.append(("User-Agent", "huaweicloud-usdk-python/3.0; fuzz"))
    return headers + [("Authorization", sign(method, target, headers, body, python))]


def http_corpus():
    files = {}
    for name, method, target, body in OPERATIONS:
        plain = [("Host", "localhost"), ("Content-Type", "application/json")]
        files[f"{name}-socket"] = http_request(method, target, plain, body)
        files[f"{name}-signed"] = http_request(method, target, signed_headers(method, target, body), body)
        files[f"{name}-token"] = http_request(method, target, plain + [("X-Auth-Token", TOKEN)], body)
    npm_target = S + "/db%20pass"
    files["ShowSecret-signed-npm"] = http_request("GET", npm_target, signed_headers("GET", npm_target, "", False), "")
    files["pipelined-keep-alive"] = (http_request("GET", S + "/app-db", [("Host", "localhost")], "") +
                                     http_request("GET", S, [("Host", "localhost"), ("Connection", "close")], ""))
    pieces = ['{"name":"c","secret_strin', 'g":"chunky"}']
    files["chunked-body"] = (f"POST {S} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" +
                             "".join(f"{len(p):x}\r\n{p}\r\n" for p in pieces) + "0\r\n\r\n").encode()
    files["expect-continue"] = http_request("POST", S, [("Host", "localhost"), ("Expect", "100-continue")],
                                            '{"name":"e","secret_string":"x"}')
    files["http10"] = f"GET {S}/app-db HTTP/1.0\r\nHost: localhost\r\n\r\n".encode()
    files["not-http"] = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
    files["bad-escape"] = http_request("GET", S + "/a%zz", [("Host", "localhost")], "")
    files["slash-escape"] = http_request("GET", S + "/a%2Fb", [("Host", "localhost")], "")
    files["repeated-query"] = http_request("GET", S + "?limit=1&limit=2", [("Host", "localhost")], "")
    files["wrong-method"] = http_request("PATCH", S, [("Host", "localhost")], "")
    files["other-project-header"] = http_request("GET", S, signed_headers("GET", S, "")[:-1] +
                                                 [("X-Project-Id", "f" * 32)], "")
    return files


BODY_OPERATIONS = ["CreateSecret", "UpdateSecret", "DeleteSecretForSchedule", "CreateSecretVersion", "UpdateVersion",
                   "CreateSecretStage", "UpdateSecretStage", "CreateCredential", "CreateSecretTag",
                   "BatchCreateOrDeleteTags", "ListResourceInstances", "CreateSecretEvent", "UpdateSecretEvent",
                   "UploadSecretBlob", "GenerateRandomPassword", "BatchImportSecrets",
                   "UpdateSecretsConfig"]  # fuzz_json_body.cpp kOperations, in its order


def json_corpus():
    files = {}
    for name, _method, _target, body in OPERATIONS:
        base = name.split("-")[0]
        if body and base in BODY_OPERATIONS:
            files[name] = bytes([BODY_OPERATIONS.index(base)]) + body.encode()
    files["deep-nesting"] = b"\x00" + b'{"a":' * 40 + b"1" + b"}" * 40
    files["bad-utf8"] = b'\x00{"name":"x","secret_string":"\xc3\x28"}'
    files["surrogates"] = b'\x03{"secret_string":"\\ud83d\\ude00\\ud800"}'
    files["big-integer"] = b'\x04{"expire_time":99999999999999999999}'
    files["fraction"] = b'\x02{"recovery_window_in_days":7.5}'
    files["null-fields"] = b'\x00{"name":"n","secret_string":null,"secret_binary":"AA=="}'
    return files


def signature_corpus():
    files = {}

    def lines(authorization, method, target, headers, body):
        text = "\n".join([authorization, method, target] + [f"{n}:{v}" for n, v in headers]) + "\n\n" + body
        return text.encode()

    vectors = [
        ("A", "POST", f"/v1/{PROJECT}/secrets/db%20pass/versions?limit=10&limit=2&marker=a%20b%2Fc",
         "application/json;charset=UTF-8", '{"secret_string": "s3cr3t-v2"}'),
        ("B", "GET", f"/v1/{PROJECT}/secrets?limit=2&marker=app-db", "application/json", ""),
        ("C", "PUT", f"/v1/{PROJECT}/secrets/app-db/stages/PENDING", "application/json;charset=UTF-8",
         '{"version_id":"v1"}'),
    ]
    for name, method, target, content_type, body in vectors:
        headers = vector_headers(content_type)
        files[f"vector-{name}"] = lines(sign(method, target, headers, body), method, target, headers, body)
        npm = [h for h in headers if h[0] != "User-Agent"]
        files[f"vector-{name}-npm"] = lines(sign(method, target, npm, body, python=False), method, target, npm, body)
    headers = vector_headers("application/json")
    files["content-sha256"] = lines(sign("POST", S, headers, "{}"), "POST", S, headers +
                                    [("X-Sdk-Content-Sha256", hashlib.sha256(b"{}").hexdigest())], "{}")
    files["unsigned-payload"] = lines(sign("POST", S, headers, "{}"), "POST", S,
                                      headers + [("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")], "{}")
    files["compact-separators"] = lines(f"SDK-HMAC-SHA256 Access={AK},SignedHeaders=host;x-sdk-date,Signature=" +
                                        "0" * 64, "GET", S, [("Host", HOST), ("X-Sdk-Date", DATE)], "")
    files["bad-date"] = lines(sign("GET", S, headers, ""), "GET", S,
                              [h for h in headers if h[0] != "X-Sdk-Date"] + [("X-Sdk-Date", "20240230T250000Z")], "")
    return files


def write(target, files):
    directory = HERE / "corpus" / target
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for name, data in sorted(files.items()):
        (directory / name).write_bytes(data)
    print(f"{target}: {len(files)} files")


if __name__ == "__main__":
    check_vectors()
    write("fuzz_http_request", http_corpus())
    write("fuzz_json_body", json_corpus())
    write("fuzz_sdk_signature", signature_corpus())
