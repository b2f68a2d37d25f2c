/* test_emu_sources.c - /v3/sources over real HTTP: register (seed 001 round trip with
 * its whole disk tree), body errors, list paging bounds and filters, show, overview,
 * errors, rename, delete and batch delete, and the agent's command channel. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "model/codec.h"
#include "emu_http.h"

typedef struct fx { smsemu *e; const char *url; char *admin; } fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->e = eh_start();
    f->url = smsemu_url(f->e);
    f->admin = eh_login(f->url, "admin", "admin-pass");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    free(f->admin);
    smsemu_stop(f->e);
    free(f);
    return 0;
}

static long call(fx *f, const char *method, const char *path, const char *body, eh_resp *r)
{
    eh_call(f->url, f->admin, method, path, body, r);
    return r->status;
}

static void expect_400(fx *f, const char *method, const char *path, const char *body, const char *code)
{
    eh_expect_error(f->url, f->admin, method, path, body, 400, code);
}

/* ---- seed 001 ------------------------------------------------------------------------------ */

static void same_str(const char *a, const char *b)
{
    if (!a || !b) {
        assert_true(a == b || (a && !*a) || (b && !*b));
        return;
    }
    assert_string_equal(a, b);
}

static void same_pv(const sms_pv *a, const sms_pv *b)
{
    same_str(a->name, b->name);
    same_str(a->device_use, b->device_use);
    same_str(a->file_system, b->file_system);
    same_str(a->mount_point, b->mount_point);
    assert_int_equal(a->size, b->size);
    assert_int_equal(a->used_size, b->used_size);
    assert_int_equal(a->inode_size, b->inode_size);
    assert_int_equal(a->inode_nums, b->inode_nums);
}

static void same_tree(const sms_server *a, const sms_server *b)
{
    assert_int_equal(a->n_disks, b->n_disks);
    for (size_t i = 0; i < a->n_disks; i++) {
        const sms_disk *x = &a->disks[i], *y = &b->disks[i];
        same_str(x->name, y->name);
        same_str(x->device_use, y->device_use);
        same_str(x->partition_style, y->partition_style);
        assert_int_equal(x->size, y->size);
        assert_int_equal(x->used_size, y->used_size);
        assert_int_equal(x->n_physical_volumes, y->n_physical_volumes);
        for (size_t k = 0; k < x->n_physical_volumes; k++)
            same_pv(&x->physical_volumes[k], &y->physical_volumes[k]);
    }
    assert_int_equal(a->n_volume_groups, b->n_volume_groups);
    for (size_t i = 0; i < a->n_volume_groups; i++) {
        const sms_vg *x = &a->volume_groups[i], *y = &b->volume_groups[i];
        same_str(x->name, y->name);
        same_str(x->components, y->components);
        assert_int_equal(x->size, y->size);
        assert_int_equal(x->n_logical_volumes, y->n_logical_volumes);
        for (size_t k = 0; k < x->n_logical_volumes; k++) {
            same_str(x->logical_volumes[k].name, y->logical_volumes[k].name);
            same_str(x->logical_volumes[k].mount_point, y->logical_volumes[k].mount_point);
            assert_int_equal(x->logical_volumes[k].size, y->logical_volumes[k].size);
            assert_int_equal(x->logical_volumes[k].inode_size, y->logical_volumes[k].inode_size);
        }
    }
    assert_int_equal(a->n_btrfs_list, b->n_btrfs_list);
    for (size_t i = 0; i < a->n_btrfs_list; i++) {
        const sms_btrfs *x = &a->btrfs_list[i], *y = &b->btrfs_list[i];
        same_str(x->name, y->name);
        same_str(x->device, y->device);
        same_str(x->uuid, y->uuid);
        assert_int_equal(x->size, y->size);
        assert_int_equal(x->nodesize, y->nodesize);
        assert_int_equal(x->g_vol_used_size, y->g_vol_used_size);
        assert_int_equal(x->n_subvolumn, y->n_subvolumn);
        for (size_t k = 0; k < x->n_subvolumn; k++) {
            same_str(x->subvolumn[k].subvol_name, y->subvolumn[k].subvol_name);
            same_str(x->subvolumn[k].parent_id, y->subvolumn[k].parent_id);
            same_str(x->subvolumn[k].subvol_mount_path, y->subvolumn[k].subvol_mount_path);
        }
    }
    assert_int_equal(a->n_networks, b->n_networks);
    for (size_t i = 0; i < a->n_networks; i++) {
        same_str(a->networks[i].mac, b->networks[i].mac);
        same_str(a->networks[i].ip, b->networks[i].ip);
    }
}

static void test_seed001_register_and_read_back(void **state)
{
    fx *f = *state;
    size_t len = 0;
    char *body = eh_read_file(SMS_SOURCE_DIR "/tests/fixtures/seed001_register.json", &len);
    assert_non_null(body);
    sms_server sent;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_REGISTER, body, len, &sent, SMS_DECODE_REQUEST, &err), 0);
    assert_true(sent.n_disks >= 3 && sent.n_btrfs_list == 1 && sent.btrfs_list[0].n_subvolumn > 10);
    eh_resp r;
    assert_int_equal(call(f, "POST", "/v3/sources", body, &r), 200);
    char path[128];
    snprintf(path, sizeof path, "/v3/sources/%s", eh_str(r.json, "id"));
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", path, NULL, &r), 200);
    sms_server got;
    assert_int_equal(sms_parse(&SMS_T_SERVER, r.body, r.len, &got, SMS_DECODE_RESPONSE, &err), 0);
    same_str(got.name, sent.name);
    same_str(got.os_type, "LINUX");
    same_str(got.os_version, sent.os_version);
    same_str(got.ip, sent.ip);
    assert_int_equal(got.memory, sent.memory);
    assert_int_equal(got.cpu_quantity, sent.cpu_quantity);
    same_str(got.state, "waiting");
    same_str(got.migration_cycle, "checking");
    assert_true(got.connected);
    assert_true(got.add_date > 0);
    same_tree(&got, &sent);
    /* the misspelt key is served as documented */
    assert_non_null(strstr(r.body, "\"subvolumn\""));
    eh_resp_free(&r);
    sms_free(&SMS_T_SERVER, &got);
    sms_free(&SMS_T_REGISTER, &sent);
    free(body);
}

static void test_register_updates_known_id(void **state)
{
    fx *f = *state;
    char *id = eh_register(f->url, f->admin, "same-host", "10.2.0.1");
    char *tid = eh_create_task(f->url, f->admin, id, false);
    char body[600];
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"name\":\"same-host\",\"os_type\":\"LINUX\",\"os_version\":\"CENTOS8\","
             "\"ip\":\"10.2.0.1\",\"agent_version\":\"2\",\"btrfs_list\":[],"
             "\"networks\":[{\"name\":\"eth0\",\"ip\":\"10.2.0.1\",\"mac\":\"aa\"}]}", id);
    eh_resp r;
    assert_int_equal(call(f, "POST", "/v3/sources", body, &r), 200);
    assert_string_equal(eh_str(r.json, "id"), id);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    assert_string_equal(eh_str(r.json, "source_servers.0.os_version"), "CENTOS8");
    /* the service's own view survives: state, cycle, task */
    assert_string_equal(eh_str(r.json, "source_servers.0.migration_cycle"), "setting");
    assert_string_equal(eh_str(r.json, "source_servers.0.current_task.id"), tid);
    eh_resp_free(&r);
    free(tid);
    free(id);
}

static void test_register_rejects_bad_bodies(void **state)
{
    fx *f = *state;
    static const char ok_tail[] = ",\"agent_version\":\"1\",\"btrfs_list\":[],\"networks\":[{\"name\":\"e\",\"mac\":\"aa\"}]}";
    char b[512];
    expect_400(f, "POST", "/v3/sources", "{\"name\": \"x\", ", "SMS.0002");          /* malformed */
    expect_400(f, "POST", "/v3/sources", "[1,2]", "SMS.0002");                      /* not an object */
    expect_400(f, "POST", "/v3/sources", "", "SMS.0002");                           /* empty */
    snprintf(b, sizeof b, "{\"name\":\"x\",\"os_type\":\"LINUX\",\"os_version\":\"c\",\"ip\":\"1.1.1.1\",\"cpu_quantity\":\"many\"%s", ok_tail);
    expect_400(f, "POST", "/v3/sources", b, "SMS.0002");                            /* wrong type */
    snprintf(b, sizeof b, "{\"os_type\":\"LINUX\",\"os_version\":\"c\",\"ip\":\"1.1.1.1\"%s", ok_tail);
    expect_400(f, "POST", "/v3/sources", b, "SMS.0002");                            /* no name */
    snprintf(b, sizeof b, "{\"name\":\"x\",\"os_type\":\"BEOS\",\"os_version\":\"c\",\"ip\":\"1.1.1.1\"%s", ok_tail);
    expect_400(f, "POST", "/v3/sources", b, "SMS.0002");                            /* bad enum */
    snprintf(b, sizeof b, "{\"name\":\"x\",\"os_type\":\"LINUX\",\"os_version\":\"c\",\"ip\":\"\"%s", ok_tail);
    expect_400(f, "POST", "/v3/sources", b, "SMS.0002");                            /* empty ip */
    expect_400(f, "POST", "/v3/sources", "{\"name\":\"x\",\"os_type\":\"LINUX\",\"os_version\":\"c\",\"ip\":\"1.1.1.1\","
               "\"agent_version\":\"1\",\"btrfs_list\":[],\"networks\":[]}", "SMS.0002"); /* no NIC */
    /* a body over the cap */
    size_t big = 300 * 1024;
    char *huge = malloc(big + 64);
    int n = snprintf(huge, big + 64, "{\"name\":\"");
    memset(huge + n, 'a', big);
    strcpy(huge + n + big, "\"}");
    expect_400(f, "POST", "/v3/sources", huge, "SMS.2004");
    free(huge);
    eh_resp r;
    assert_int_equal(call(f, "GET", "/v3/sources", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 0);                              /* nothing stored */
    eh_resp_free(&r);
}

/* ---- list, paging, filters ---------------------------------------------------------------------- */

static char **register_many(fx *f, int n)
{
    char **ids = calloc((size_t)n, sizeof *ids);
    for (int i = 0; i < n; i++) {
        char name[32], ip[32];
        snprintf(name, sizeof name, "host-%03d", i);
        snprintf(ip, sizeof ip, "10.3.%d.%d", i / 250, i % 250 + 1);
        ids[i] = eh_register(f->url, f->admin, name, ip);
    }
    return ids;
}

static void free_ids(char **ids, int n)
{
    for (int i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

static int page_size(const eh_resp *r)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json, "source_servers"));
}

static void test_paging_boundaries(void **state)
{
    fx *f = *state;
    const int n = 205;
    char **ids = register_many(f, n);
    eh_resp r;
    assert_int_equal(call(f, "GET", "/v3/sources", NULL, &r), 200);           /* default limit 200 */
    assert_int_equal((int)eh_num(r.json, "count"), n);
    assert_int_equal(page_size(&r), 200);
    assert_string_equal(eh_str(r.json, "source_servers.0.id"), ids[0]);       /* insertion order */
    /* list items carry no disk tree */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r.json, "source_servers"), 0), "disks")), 0);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?limit=0", NULL, &r), 200);   /* 0 means 200 */
    assert_int_equal(page_size(&r), 200);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?limit=200&offset=200", NULL, &r), 200);
    assert_int_equal(page_size(&r), 5);
    assert_string_equal(eh_str(r.json, "source_servers.4.id"), ids[n - 1]);
    assert_int_equal((int)eh_num(r.json, "count"), n);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?limit=1&offset=204", NULL, &r), 200);
    assert_int_equal(page_size(&r), 1);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?offset=205", NULL, &r), 200); /* past the end */
    assert_int_equal(page_size(&r), 0);
    assert_int_equal((int)eh_num(r.json, "count"), n);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?offset=65535", NULL, &r), 200);
    eh_resp_free(&r);
    expect_400(f, "GET", "/v3/sources?limit=201", NULL, "SMS.0002");
    expect_400(f, "GET", "/v3/sources?limit=-1", NULL, "SMS.0002");
    expect_400(f, "GET", "/v3/sources?offset=65536", NULL, "SMS.0002");
    expect_400(f, "GET", "/v3/sources?limit=abc", NULL, "SMS.0002");
    expect_400(f, "GET", "/v3/sources?connected=maybe", NULL, "SMS.0002");
    /* a walk page by page sees every server once */
    int seen = 0;
    for (int off = 0; off < n; off += 7) {
        char path[64];
        snprintf(path, sizeof path, "/v3/sources?limit=7&offset=%d", off);
        assert_int_equal(call(f, "GET", path, NULL, &r), 200);
        for (int k = 0; k < page_size(&r); k++) {
            char key[48];
            snprintf(key, sizeof key, "source_servers.%d.id", k);
            assert_string_equal(eh_str(r.json, key), ids[off + k]);
            seen++;
        }
        eh_resp_free(&r);
    }
    assert_int_equal(seen, n);
    free_ids(ids, n);
}

static void test_filters(void **state)
{
    fx *f = *state;
    char **ids = register_many(f, 5);
    char *tid = eh_create_task(f->url, f->admin, ids[2], false);
    eh_resp r;
    assert_int_equal(call(f, "GET", "/v3/sources?name=host-003", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    assert_string_equal(eh_str(r.json, "source_servers.0.id"), ids[3]);
    eh_resp_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/v3/sources?id=%s", ids[4]);
    assert_int_equal(call(f, "GET", path, NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?ip=10.3.0.2", NULL, &r), 200);
    assert_string_equal(eh_str(r.json, "source_servers.0.id"), ids[1]);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?migration_cycle=setting", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    assert_string_equal(eh_str(r.json, "source_servers.0.current_task.id"), tid);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?state=waiting&connected=true", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 5);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?connected=false", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 0);
    eh_resp_free(&r);
    /* agents that stop polling are shown disconnected */
    eh_request(f->url, "POST", "/emulator/clock?advance_s=600", "", NULL, 0, &r);
    eh_resp_free(&r);
    char *cmd = eh_agent_poll(f->url, f->admin, ids[0]);
    free(cmd);
    assert_int_equal(call(f, "GET", "/v3/sources?connected=false", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 4);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?connected=true", NULL, &r), 200);
    assert_string_equal(eh_str(r.json, "source_servers.0.id"), ids[0]);
    eh_resp_free(&r);
    eh_request(f->url, "POST", "/emulator/clock?reset=true", "", NULL, 0, &r);
    eh_resp_free(&r);
    free(tid);
    free_ids(ids, 5);
}

static void test_show_overview_errors(void **state)
{
    fx *f = *state;
    char **ids = register_many(f, 3);
    eh_resp r;
    assert_int_equal(call(f, "GET", "/v3/sources/overview", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "waiting"), 3);
    assert_int_equal((int)eh_num(r.json, "replicate"), 0);
    assert_false(isnan(eh_num(r.json, "unconfigured")));
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources/no-such-server", NULL, &r), 404);
    assert_non_null(eh_str(r.json, "error_code"));
    eh_resp_free(&r);
    expect_400(f, "GET", "/v3/sources/0123456789012345678901234567890123456789", NULL, "SMS.0002");
    expect_400(f, "GET", "/v3/errors", NULL, "SMS.0002");                  /* offset is required */
    expect_400(f, "GET", "/v3/errors?offset=0&limit=101", NULL, "SMS.0002");
    /* a failed migration shows up in /v3/errors */
    char *tid = eh_create_task(f->url, f->admin, ids[1], false);
    char path[128];
    snprintf(path, sizeof path, "/v3/tasks/%s/action", tid);
    assert_int_equal(call(f, "POST", path, "{\"operation\":\"start\"}", &r), 200);
    eh_resp_free(&r);
    free(eh_agent_poll(f->url, f->admin, ids[1]));
    assert_int_equal(eh_agent_report(f->url, f->admin, ids[1], "START", "fail"), 200);
    assert_int_equal(call(f, "GET", "/v3/errors?offset=0", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    assert_string_equal(eh_str(r.json, "migration_errors.0.source_id"), ids[1]);
    assert_non_null(strstr(eh_str(r.json, "migration_errors.0.error_json"), "SMS.0807"));
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources/overview", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "error"), 1);
    assert_int_equal((int)eh_num(r.json, "waiting"), 2);
    eh_resp_free(&r);
    free(tid);
    free_ids(ids, 3);
}

static void test_rename(void **state)
{
    fx *f = *state;
    char *id = eh_register(f->url, f->admin, "old-name", "10.4.0.1");
    char path[128];
    snprintf(path, sizeof path, "/v3/sources/%s", id);
    eh_resp r;
    assert_int_equal(call(f, "PUT", path, "{\"name\":\"new-name\"}", &r), 200);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", path, NULL, &r), 200);
    assert_string_equal(eh_str(r.json, "name"), "new-name");
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources?name=new-name", NULL, &r), 200);   /* list cache refreshed */
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    eh_resp_free(&r);
    expect_400(f, "PUT", path, "{\"name\":42}", "SMS.0002");
    expect_400(f, "PUT", path, "{\"name\":\"\"}", "SMS.0002");
    assert_int_equal(call(f, "PUT", "/v3/sources/nope", "{\"name\":\"x\"}", &r), 404);
    eh_resp_free(&r);
    free(id);
}

static void test_delete_reaches_the_agent(void **state)
{
    fx *f = *state;
    char **ids = register_many(f, 4);
    char path[128];
    snprintf(path, sizeof path, "/v3/sources/%s", ids[0]);
    eh_resp r;
    assert_int_equal(call(f, "DELETE", path, NULL, &r), 200);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", path, NULL, &r), 404);
    eh_resp_free(&r);
    assert_int_equal(call(f, "DELETE", path, NULL, &r), 404);
    eh_resp_free(&r);
    /* the agent still learns it was deleted, and its acknowledgement drops the record */
    char *cmd = eh_agent_poll(f->url, f->admin, ids[0]);
    assert_string_equal(cmd, "DELETE");
    free(cmd);
    assert_int_equal(eh_agent_report(f->url, f->admin, ids[0], "DELETE", "success"), 200);
    snprintf(path, sizeof path, "/emulator/commands?server_id=%s", ids[0]);
    assert_int_equal(eh_call_status(f->url, NULL, "GET", path, NULL), 404);
    /* batch: all or nothing */
    char body[512];
    snprintf(body, sizeof body, "{\"ids\":[\"%s\",\"missing\"]}", ids[1]);
    assert_int_equal(call(f, "POST", "/v3/sources/delete", body, &r), 404);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 3);
    eh_resp_free(&r);
    snprintf(body, sizeof body, "{\"ids\":[\"%s\",\"%s\"]}", ids[1], ids[2]);
    assert_int_equal(call(f, "POST", "/v3/sources/delete", body, &r), 200);
    eh_resp_free(&r);
    assert_int_equal(call(f, "GET", "/v3/sources", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    assert_string_equal(eh_str(r.json, "source_servers.0.id"), ids[3]);
    eh_resp_free(&r);
    expect_400(f, "POST", "/v3/sources/delete", "{\"ids\":[]}", "SMS.0002");
    expect_400(f, "POST", "/v3/sources/delete", "{\"ids\":\"x\"}", "SMS.0002");
    free_ids(ids, 4);
}

static void test_command_channel(void **state)
{
    fx *f = *state;
    char *sid = eh_register(f->url, f->admin, "cmd-host", "10.5.0.1");
    char *cmd = eh_agent_poll(f->url, f->admin, sid);
    assert_string_equal(cmd, "");                          /* nothing pending: {} */
    free(cmd);
    /* a result for a command never delivered */
    char path[128];
    snprintf(path, sizeof path, "/v3/sources/%s/command_result", sid);
    expect_400(f, "POST", path, "{\"command_name\":\"START\",\"result\":\"success\",\"result_detail\":{}}", "SMS.2009");
    expect_400(f, "POST", path, "{\"command_name\":\"REBOOT\",\"result\":\"success\",\"result_detail\":{}}", "SMS.0002");
    expect_400(f, "POST", path, "{\"command_name\":\"START\",\"result\":\"maybe\",\"result_detail\":{}}", "SMS.0002");
    expect_400(f, "POST", path, "{\"command_name\":\"START\"}", "SMS.0002");
    eh_resp r;
    assert_int_equal(call(f, "GET", "/v3/sources/unknown/command", NULL, &r), 404);
    eh_resp_free(&r);
    /* issued -> delivered -> reported, visible under /emulator/commands */
    char *tid = eh_create_task(f->url, f->admin, sid, false);
    char ap[128];
    snprintf(ap, sizeof ap, "/v3/tasks/%s/action", tid);
    assert_int_equal(call(f, "POST", ap, "{\"operation\":\"start\"}", &r), 200);
    eh_resp_free(&r);
    snprintf(path, sizeof path, "/v3/sources/%s/command", sid);
    assert_int_equal(call(f, "GET", path, NULL, &r), 200);
    assert_string_equal(eh_str(r.json, "command_name"), "START");
    assert_string_equal(eh_str(r.json, "command_param.task_id"), tid);
    eh_resp_free(&r);
    assert_int_equal(eh_agent_report(f->url, f->admin, sid, "START", "success"), 200);
    snprintf(path, sizeof path, "/emulator/commands?server_id=%s", sid);
    eh_request(f->url, "GET", path, NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(eh_str(r.json, "log.0.event"), "issued");
    assert_string_equal(eh_str(r.json, "log.1.event"), "delivered");
    assert_string_equal(eh_str(r.json, "log.2.event"), "reported");
    assert_string_equal(eh_str(r.json, "log.2.result"), "success");
    assert_string_equal(eh_str(r.json, "log.2.command_name"), "START");
    eh_resp_free(&r);
    free(tid);
    free(sid);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seed001_register_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_updates_known_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_rejects_bad_bodies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_show_overview_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_reaches_the_agent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_channel, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
