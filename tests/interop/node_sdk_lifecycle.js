#!/usr/bin/env node
/*
 * Interop test: drive csmsd with the official npm package @huaweicloud/huaweicloud-sdk-core
 * (there is no CSMS client on npm, so arbitrary CSMS paths go through ClientBuilder + HcClient.sendRequest,
 * which signs with SDK-HMAC-SHA256 exactly as generated Node service clients do).
 *
 * Usage:
 *   CSMS_NODE_SDK_DIR=<dir> node tests/interop/node_sdk_lifecycle.js \
 *       --endpoint http://127.0.0.1:PORT --project-id <32 hex>
 *   (or NODE_PATH=<dir>/node_modules node tests/interop/node_sdk_lifecycle.js ...)
 *   Positional form also works: node_sdk_lifecycle.js http://127.0.0.1:PORT <project-id>
 *
 * Install (scratch dir, outside the repo):
 *   npm install --no-audit --no-fund @huaweicloud/huaweicloud-sdk-core@3.1.211 uuid@9
 * (uuid is required by the core's DefaultUserAgent but not declared as a dependency.)
 *
 * CSMS_NODE_SDK_DIR may point at the install dir (holding node_modules/), at its node_modules/, or at the
 * package directory itself. AK/SK: --ak/--sk or $CSMS_TEST_AK/$CSMS_TEST_SK (default AKEXAMPLE/SKEXAMPLE).
 * Last line: "node sdk lifecycle: N passed, M failed"; exit status 0 only if M == 0.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const PKG = '@huaweicloud/huaweicloud-sdk-core';

// ------------------------------------------------------------------------------------------------
// arguments
// ------------------------------------------------------------------------------------------------
function parseArgs(argv) {
    const out = {
        ak: process.env.CSMS_TEST_AK || 'AKEXAMPLE',
        sk: process.env.CSMS_TEST_SK || 'SKEXAMPLE',
        prefix: 'nodesdk-' + crypto.randomBytes(4).toString('hex'),
        verbose: false,
    };
    const positional = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const take = () => {
            if (i + 1 >= argv.length) usage(`missing value for ${a}`);
            return argv[++i];
        };
        if (a === '--endpoint') out.endpoint = take();
        else if (a === '--project-id') out.projectId = take();
        else if (a === '--ak') out.ak = take();
        else if (a === '--sk') out.sk = take();
        else if (a === '--prefix') out.prefix = take();
        else if (a === '--ca-file') out.caFile = take();
        else if (a === '-v' || a === '--verbose') out.verbose = true;
        else if (a === '-h' || a === '--help') usage();
        else if (a.startsWith('--')) usage(`unknown option ${a}`);
        else positional.push(a);
    }
    if (!out.endpoint && positional.length > 0) out.endpoint = positional.shift();
    if (!out.projectId && positional.length > 0) out.projectId = positional.shift();
    if (!out.endpoint || !/^https?:\/\/[^/]+\/?$/.test(out.endpoint)) usage('--endpoint http(s)://HOST:PORT is required');
    if (!out.projectId || !/^[0-9a-fA-F]{32}$/.test(out.projectId)) usage('--project-id <32 hex> is required');
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(out.prefix)) usage('--prefix must match ^[a-zA-Z0-9_-]{1,40}$');
    out.endpoint = out.endpoint.replace(/\/$/, '');
    return out;
}

function usage(msg) {
    if (msg) console.error(`error: ${msg}`);
    console.error('usage: node_sdk_lifecycle.js --endpoint http://127.0.0.1:PORT --project-id <32 hex> ' +
        '[--ak AK] [--sk SK] [--ca-file CA] [--prefix P] [-v]\n' +
        `  finds ${PKG} via $CSMS_NODE_SDK_DIR or NODE_PATH`);
    process.exit(2);
}

// ------------------------------------------------------------------------------------------------
// locating the SDK
// ------------------------------------------------------------------------------------------------
function findSdkDir() {
    const tried = [];
    const isPkg = (dir) => {
        try {
            const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
            return pj.name === PKG;
        } catch (e) {
            return false;
        }
    };
    const env = process.env.CSMS_NODE_SDK_DIR;
    if (env) {
        for (const c of [env, path.join(env, 'node_modules', PKG), path.join(env, PKG)]) {
            tried.push(c);
            if (isPkg(c)) return c;
        }
    }
    try {
        // honours NODE_PATH (and node_modules above this script)
        const main = require.resolve(PKG);
        let dir = path.dirname(main);
        while (dir !== path.dirname(dir) && !isPkg(dir)) dir = path.dirname(dir);
        if (isPkg(dir)) return dir;
    } catch (e) {
        tried.push(`require.resolve('${PKG}') with NODE_PATH=${process.env.NODE_PATH || ''}`);
    }
    console.error(`FATAL: cannot find ${PKG}. Tried:\n  ${tried.join('\n  ')}\n` +
        'Install it with: npm install @huaweicloud/huaweicloud-sdk-core@3.1.211 uuid@9 ' +
        'and set CSMS_NODE_SDK_DIR to that directory (or NODE_PATH to its node_modules).');
    process.exit(2);
}

function loadSdk() {
    const dir = findSdkDir();
    try {
        const { ClientBuilder } = require(path.join(dir, 'ClientBuilder'));
        const { BasicCredentials } = require(path.join(dir, 'auth', 'BasicCredentials'));
        const { AKSKSigner } = require(path.join(dir, 'auth', 'AKSKSigner'));
        const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
        return { ClientBuilder, BasicCredentials, AKSKSigner, dir, version };
    } catch (e) {
        console.error(`FATAL: ${PKG} at ${dir} failed to load: ${e.message}` +
            (/uuid/.test(e.message) ? '\n(install uuid@9 next to it: npm install uuid@9)' : ''));
        process.exit(2);
    }
}

// ------------------------------------------------------------------------------------------------
// results
// ------------------------------------------------------------------------------------------------
class Fatal extends Error {}

class Results {
    constructor(verbose) {
        this.passed = 0;
        this.failed = 0;
        this.failures = [];
        this.verbose = verbose;
    }
    ok(name) {
        this.passed++;
        if (this.verbose) console.log(`  ok   ${name}`);
    }
    fail(name, detail) {
        this.failed++;
        const msg = `FAIL ${name}: ${detail}`;
        this.failures.push(msg);
        console.log(`  ${msg}`);
        return false;
    }
    check(cond, name, detail) {
        if (cond) {
            this.ok(name);
            return true;
        }
        return this.fail(name, detail || 'condition is false');
    }
    eq(actual, expected, name) {
        const a = JSON.stringify(actual);
        const e = JSON.stringify(expected);
        return this.check(a === e, name, `expected ${e}, got ${a}`);
    }
}

const TS_TOLERANCE_MS = 15 * 60 * 1000;

function checkTs(r, ts, name, near) {
    if (!Number.isInteger(ts)) return r.fail(name, `timestamp is not an integer: ${JSON.stringify(ts)}`);
    if (String(ts).length !== 13 || ts % 1000 !== 0) {
        return r.fail(name, `timestamp ${ts} is not 13-digit epoch ms ending in 000`);
    }
    const ref = near === undefined ? Date.now() : near;
    if (Math.abs(ts - ref) > TS_TOLERANCE_MS) {
        return r.fail(name, `timestamp ${ts} is ${((ts - ref) / 1000).toFixed(1)} s away from expected ${ref}`);
    }
    r.ok(name);
    return true;
}

const sorted = (a) => [...(a || [])].sort();

// ------------------------------------------------------------------------------------------------
// the test
// ------------------------------------------------------------------------------------------------
class Lifecycle {
    constructor(args, sdk) {
        this.args = args;
        this.r = new Results(args.verbose);
        this.created = [];
        const credentials = new sdk.BasicCredentials()
            .withAk(args.ak)
            .withSk(args.sk)
            .withProjectId(args.projectId);
        // No region: the endpoint is used as given (http:// kept) and no IAM project lookup happens.
        // customUserAgent also keeps the core from writing ~/.huaweicloud/application_id (its default UA does).
        this.client = new sdk.ClientBuilder((hcClient) => hcClient)
            .withCredential(credentials)
            .withEndpoint(args.endpoint)
            .withOptions(this.clientOptions())
            .build();
        // DefaultHttpClient logs every non-2xx at ERROR through log4js; the expected 404s would be noise.
        if (!process.env.CSMS_SDK_DEBUG && this.client.httpClient) {
            const quiet = { debug() {}, info() {}, warn() {}, error() {} };
            this.client.httpClient._logger = quiet;
        }
    }

    // With --ca-file the SDK's axios verifies the daemon's certificate against that CA (and its host name).
    clientOptions() {
        const options = { customUserAgent: 'csmsd-interop-node' };
        if (this.args.caFile) {
            const https = require('https');
            options.axiosRequestConfig = { httpsAgent: new https.Agent({ ca: fs.readFileSync(this.args.caFile) }) };
        }
        return options;
    }

    // Send one CSMS request the way generated Node service clients do.
    async send(method, url, { pathParams = {}, queryParams = {}, data } = {}) {
        const options = {
            method,
            url,
            contentType: 'application/json;charset=UTF-8', // HcClient sends "content-type: application/json"
            headers: {},
            pathParams,
            queryParams,
            responseHeaders: ['X-Request-Id'],  // copied into the returned object when the body is JSON
        };
        if (data !== undefined) options.data = data;
        return this.client.sendRequest(options);
    }

    // expect success; returns the parsed body (with httpStatusCode) or null
    async ok(name, method, url, opts = {}, expectStatus = 200, fatal = false) {
        let res;
        try {
            res = await this.send(method, url, opts);
        } catch (e) {
            this.r.fail(name, `${method} ${url} -> HTTP ${e.httpStatusCode} ${e.errorCode || ''}: ` +
                `${e.errorMsg || e.message} (request_id=${e.requestId})`);
            if (fatal) throw new Fatal(name);
            return null;
        }
        const good = this.r.eq(res.httpStatusCode, expectStatus, `${name} status`);
        // The SDK copies response headers into the result only when the body is a JSON object, so an
        // empty-bodied success (DELETE secret 200, DELETE stage 204) cannot be checked for X-Request-Id here.
        if (Object.keys(res).some((k) => k !== 'httpStatusCode' && k !== 'X-Request-Id')) {
            this.r.check(!!res['X-Request-Id'], `${name} has X-Request-Id response header`,
                'no X-Request-Id on the response');
        }
        if (fatal && !good) throw new Fatal(name);
        return res;
    }

    // expect an error response
    async err(name, method, url, opts, expectStatus, expectCode) {
        let res;
        try {
            res = await this.send(method, url, opts);
        } catch (e) {
            this.r.eq(e.httpStatusCode, expectStatus, `${name} status`);
            this.r.eq(e.errorCode, expectCode, `${name} error_code`);
            this.r.check(!!e.errorMsg, `${name} error_msg`, 'error body has no error_msg');
            this.r.check(!!e.requestId, `${name} request_id`, 'error response has no X-Request-Id header');
            return e;
        }
        this.r.fail(name, `expected HTTP ${expectStatus} ${expectCode}, but got ${res.httpStatusCode}`);
        return null;
    }

    async stagesOf(secret, vid, label) {
        const res = await this.ok(`${label} (read ${vid})`, 'GET',
            '/v1/{project_id}/secrets/{secret_name}/versions/{version_id}',
            { pathParams: { secret_name: secret, version_id: vid } });
        const vm = res && res.version && res.version.version_metadata;
        if (!vm) {
            this.r.fail(label, `no version.version_metadata for ${vid}`);
            return null;
        }
        return sorted(vm.version_stages);
    }

    async expectStages(secret, vid, expected, label) {
        const got = await this.stagesOf(secret, vid, label);
        if (got !== null) this.r.eq(got, sorted(expected), label);
    }

    async stageTarget(secret, stage, expectedVid, label) {
        const res = await this.ok(`${label} (read)`, 'GET', '/v1/{project_id}/secrets/{secret_name}/stages/{stage_name}',
            { pathParams: { secret_name: secret, stage_name: stage } });
        if (res && res.stage) this.r.eq(res.stage.version_id, expectedVid, label);
        else this.r.fail(label, 'no stage object');
    }

    async createSecret(name, label, body, fatal) {
        const res = await this.ok(label, 'POST', '/v1/{project_id}/secrets',
            { data: Object.assign({ name }, body) }, 200, fatal);
        if (res) this.created.push(name);
        return res;
    }

    async run() {
        const r = this.r;
        const S = `${this.args.prefix}-main`;
        const SECRET_PATH = '/v1/{project_id}/secrets/{secret_name}';
        const pp = { secret_name: S };
        const value1 = `node-initial-${crypto.randomBytes(4).toString('hex')}`;
        const value2 = `node-second-${crypto.randomBytes(4).toString('hex')}`;
        const STAGE = 'NODESTAGE';

        console.log(`== create secret ${S}`);
        let res = await this.createSecret(S, 'create secret', { secret_string: value1, description: 'node sdk' }, true);
        const sec = res.secret;
        if (!sec) {
            r.fail('create secret body', "no 'secret' object");
            throw new Fatal('create secret');
        }
        r.eq(sec.name, S, 'create secret secret.name');
        r.eq(sec.state, 'ENABLED', 'create secret secret.state');
        r.check(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(sec.id || ''),
            'create secret secret.id is a lowercase UUID', `got ${JSON.stringify(sec.id)}`);
        checkTs(r, sec.create_time, 'create secret create_time');
        await this.err('create secret duplicate', 'POST', '/v1/{project_id}/secrets',
            { data: { name: S, secret_string: 'x' } }, 409, 'CSMS.0101');

        console.log('== read version latest');
        res = await this.ok('show version latest', 'GET', `${SECRET_PATH}/versions/{version_id}`,
            { pathParams: { secret_name: S, version_id: 'latest' } });
        if (res && res.version) {
            const vm = res.version.version_metadata || {};
            r.eq(vm.id, 'v1', 'latest is v1');
            r.eq(sorted(vm.version_stages), ['SYSCURRENT'], 'v1 stages');
            r.eq(res.version.secret_string, value1, 'latest secret_string');
            checkTs(r, vm.create_time, 'v1 create_time');
        }

        console.log('== create version v2');
        res = await this.ok('create version', 'POST', `${SECRET_PATH}/versions`,
            { pathParams: pp, data: { secret_string: value2 } });
        if (res && res.version_metadata) {
            r.eq(res.version_metadata.id, 'v2', 'create version id');
            r.eq(sorted(res.version_metadata.version_stages), ['SYSCURRENT'], 'create version stages');
            checkTs(r, res.version_metadata.create_time, 'v2 create_time');
        }
        await this.expectStages(S, 'v1', ['SYSPREVIOUS'], 'v1 gets SYSPREVIOUS');
        res = await this.ok('show version latest after v2', 'GET', `${SECRET_PATH}/versions/{version_id}`,
            { pathParams: { secret_name: S, version_id: 'latest' } });
        if (res && res.version) {
            r.eq((res.version.version_metadata || {}).id, 'v2', 'latest is v2');
            r.eq(res.version.secret_string, value2, 'latest secret_string is v2 value');
        }

        console.log('== PUT stage, then POST /stages move');
        const t0 = Date.now();
        res = await this.ok('PUT stage', 'PUT', `${SECRET_PATH}/stages/{stage_name}`,
            { pathParams: { secret_name: S, stage_name: STAGE }, data: { version_id: 'v1' } });
        if (res && res.stage) {
            r.eq(res.stage.name, STAGE, 'PUT stage stage.name');
            r.eq(res.stage.version_id, 'v1', 'PUT stage stage.version_id');
            r.eq(res.stage.secret_name, S, 'PUT stage stage.secret_name');
            checkTs(r, res.stage.update_time, 'PUT stage update_time', t0);
        }
        await this.stageTarget(S, STAGE, 'v1', 'GET stage -> v1');
        res = await this.ok('POST /stages move', 'POST', `${SECRET_PATH}/stages`,
            { pathParams: pp, data: { name: STAGE, version_id: 'v2' } });
        if (res && res.stage) {
            r.eq(res.stage.name, STAGE, 'POST /stages stage.name');
            r.eq(res.stage.version_id, 'v2', 'POST /stages stage.version_id');
            r.eq(res.stage.secret_name, S, 'POST /stages stage.secret_name');
            checkTs(r, res.stage.update_time, 'POST /stages update_time', t0);
        }
        await this.expectStages(S, 'v1', ['SYSPREVIOUS'], 'POST move removes stage from v1');
        await this.expectStages(S, 'v2', ['SYSCURRENT', STAGE], 'POST move adds stage to v2');
        // POST of SYSCURRENT back onto v1: the former holder (v2) must receive SYSPREVIOUS
        res = await this.ok('POST /stages SYSCURRENT->v1', 'POST', `${SECRET_PATH}/stages`,
            { pathParams: pp, data: { name: 'SYSCURRENT', version_id: 'v1' } });
        await this.stageTarget(S, 'SYSPREVIOUS', 'v2', 'SYSPREVIOUS follows former SYSCURRENT holder');
        await this.expectStages(S, 'v1', ['SYSCURRENT'], 'v1 carries SYSCURRENT only');
        await this.expectStages(S, 'v2', ['SYSPREVIOUS', STAGE], 'v2 carries SYSPREVIOUS + custom stage');

        console.log('== delete custom stage');
        res = await this.ok('DELETE stage', 'DELETE', `${SECRET_PATH}/stages/{stage_name}`,
            { pathParams: { secret_name: S, stage_name: STAGE } }, 204);
        await this.err('GET deleted stage', 'GET', `${SECRET_PATH}/stages/{stage_name}`,
            { pathParams: { secret_name: S, stage_name: STAGE } }, 404, 'CSMS.0005');

        console.log('== list secrets (limit=1, follow next_marker)');
        const extra = [`${this.args.prefix}-a`, `${this.args.prefix}-b`];
        for (const n of extra) await this.createSecret(n, `create secret ${n}`, { secret_string: 'v' });
        const collected = [];
        let marker;
        for (let page = 1; ; page++) {
            if (page > 1000) {
                r.fail('list secrets', 'more than 1000 pages; next_marker never ends');
                break;
            }
            const queryParams = { limit: '1' };
            if (marker) queryParams.marker = marker;
            res = await this.ok(`list secrets page ${page}`, 'GET', '/v1/{project_id}/secrets', { queryParams });
            if (!res) break;
            const names = (res.secrets || []).map((s) => s.name);
            collected.push(...names);
            if (!r.check(!!res.page_info, `list secrets page ${page} has page_info`)) break;
            if (names.length > 1) r.fail(`list secrets page ${page} size`, `limit=1 but got ${names.length}`);
            const nm = res.page_info.next_marker;
            if (!nm) break;
            if (names.length === 0) {
                r.fail(`list secrets page ${page}`, `empty page carries next_marker ${nm}`);
                break;
            }
            if (nm !== names[names.length - 1]) {
                r.fail(`list secrets page ${page} next_marker`, `${nm} is not the last item ${names[names.length - 1]}`);
            }
            marker = nm;
        }
        const dupes = [...new Set(collected.filter((n, i) => collected.indexOf(n) !== i))];
        r.check(dupes.length === 0, 'list secrets has no duplicates', `duplicates: ${dupes}`);
        const missing = [S, ...extra].filter((n) => !collected.includes(n));
        r.check(missing.length === 0, 'list secrets reaches all our secrets', `missing: ${missing}`);

        console.log('== delete secrets');
        for (const n of [S, ...extra]) {
            res = await this.ok(`DELETE secret ${n}`, 'DELETE', SECRET_PATH, { pathParams: { secret_name: n } }, 200);
            if (res) this.created = this.created.filter((x) => x !== n);
        }
        await this.err('GET deleted secret', 'GET', SECRET_PATH, { pathParams: pp }, 404, 'CSMS.0005');
    }

    // Requests the daemon must refuse with 401 CSMS.0301, each signed by the SDK's own AKSKSigner: a wrong SK, an
    // X-Sdk-Date 20 minutes old, and a body changed after signing. A correctly signed raw request is the control.
    async authChecks(sdk) {
        const r = this.r;
        console.log('== authentication');
        const url = require('url');
        const transport = this.args.endpoint.startsWith('https:') ? require('https') : require('http');
        const ca = this.args.caFile ? fs.readFileSync(this.args.caFile) : undefined;
        const listPath = `/v1/${this.args.projectId}/secrets`;
        const createPath = listPath;
        const host = url.parse(this.args.endpoint).host;
        const sdkDate = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
        const signed = (method, pathname, { sk = this.args.sk, date, data } = {}) => {
            const headers = { 'content-type': 'application/json', 'X-Project-Id': this.args.projectId };
            if (date) headers['X-Sdk-Date'] = date;
            return sdk.AKSKSigner.sign({ method, endpoint: this.args.endpoint + pathname, headers, queryParams: {}, data },
                { getAk: () => this.args.ak, getSk: () => sk });
        };
        const send = (method, pathname, headers, body) => new Promise((resolve, reject) => {
            const req = transport.request(this.args.endpoint + pathname, { method, ca, headers: { ...headers, host } }, (res) => {
                let text = '';
                res.on('data', (chunk) => { text += chunk; });
                res.on('end', () => resolve({ status: res.statusCode, body: text }));
            });
            req.on('error', reject);
            if (body !== undefined) req.write(body);
            req.end();
        });
        const expect401 = async (name, reply) => {
            r.eq(reply.status, 401, `${name} status`);
            let parsed = {};
            try { parsed = JSON.parse(reply.body); } catch (e) { /* checked below */ }
            r.eq(parsed.error_code, 'CSMS.0301', `${name} error_code`);
            r.check(!!parsed.error_msg, `${name} error_msg`, `body: ${reply.body}`);
        };

        let reply = await send('GET', listPath, signed('GET', listPath));
        r.eq(reply.status, 200, 'raw request signed by AKSKSigner is served');

        reply = await send('GET', listPath, signed('GET', listPath, { sk: this.args.sk + 'x' }));
        await expect401('wrong SK', reply);

        const old = sdkDate(Date.now() - 20 * 60 * 1000);
        reply = await send('GET', listPath, signed('GET', listPath, { date: old }));
        await expect401('X-Sdk-Date 20 minutes old', reply);

        const data = { name: `${this.args.prefix}-tampered`, secret_string: 'signed value' };
        const headers = signed('POST', createPath, { data });
        const tampered = JSON.stringify({ ...data, secret_string: 'changed after signing' });
        reply = await send('POST', createPath, { ...headers, 'content-length': Buffer.byteLength(tampered) }, tampered);
        await expect401('body changed after signing', reply);
        await this.err('tampered secret was not created', 'GET', '/v1/{project_id}/secrets/{secret_name}',
            { pathParams: { secret_name: data.name } }, 404, 'CSMS.0005');

        const stranger = new sdk.ClientBuilder((hcClient) => hcClient)
            .withCredential(new sdk.BasicCredentials().withAk('CSMSUNKNOWNKEY000000').withSk('x'.repeat(40))
                .withProjectId(this.args.projectId))
            .withEndpoint(this.args.endpoint)
            .withOptions(this.clientOptions())
            .build();
        if (stranger.httpClient) stranger.httpClient._logger = { debug() {}, info() {}, warn() {}, error() {} };
        try {
            await stranger.sendRequest({ method: 'GET', url: '/v1/{project_id}/secrets', contentType: 'application/json',
                headers: {}, pathParams: {}, queryParams: {} });
            r.fail('unknown access key through HcClient', 'was served');
        } catch (e) {
            r.eq(e.httpStatusCode, 401, 'unknown access key through HcClient status');
            r.eq(e.errorCode, 'CSMS.0301', 'unknown access key through HcClient error_code');
        }
    }

    async cleanup() {
        for (const n of this.created) {
            try {
                await this.send('DELETE', '/v1/{project_id}/secrets/{secret_name}', { pathParams: { secret_name: n } });
            } catch (e) {
                // best effort
            }
        }
    }
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const sdk = loadSdk();
    if (args.verbose) console.log(`using ${PKG} ${sdk.version} from ${sdk.dir}`);
    const t = new Lifecycle(args, sdk);
    try {
        await t.run();
        await t.authChecks(sdk);
    } catch (e) {
        if (e instanceof Fatal) t.r.fail('aborted', `stopping after fatal failure in step '${e.message}'`);
        else t.r.fail('aborted', `unexpected exception: ${(e && e.stack) || e}`);
    } finally {
        await t.cleanup();
    }
    const r = t.r;
    if (r.failures.length) {
        console.log('\nFailures:');
        for (const f of r.failures) console.log(`  ${f}`);
    }
    console.log(`node sdk lifecycle: ${r.passed} passed, ${r.failed} failed`);
    process.exitCode = r.failed === 0 ? 0 : 1;
}

main();
