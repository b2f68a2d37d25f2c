/* view_disks.c - the selected server's disk / volume tree (model/disktree.h): disks,
 * partitions, volume groups, logical volumes, Btrfs file systems and subvolumes, with
 * size, used %, file system and mount point. h/l collapse and expand, Enter toggles.
 *
 * The tree is rebuilt whenever a new detail arrives; collapsed nodes and the cursor are
 * remembered by path (names from the root), so they survive refreshes. */
#include "ui/app.h"
#include "ui/panes.h"
#include "model/disktree.h"
#include "model/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct disks_view {
    const sms_detail *detail;   /* the detail the tree was built from (borrowed) */
    int64_t detail_ms;          /* its fetched_ms, with the pointer, to notice a new one */
    sms_tree tree;
    bool *last_child;           /* per node: no later sibling */
    bool *collapsed;            /* per node */
    size_t *visible; size_t n_visible;   /* node indexes shown, in order */
    char **closed; size_t n_closed;      /* paths of collapsed nodes */
    char *sel_path;             /* path of the node under the cursor */
    char *server_id;            /* whose tree it is: marks and cursor are per server */
    size_t cursor, top;
    int rows;
} disks_view;

/* "/dev/sda/dev/sda2/vg0/lv_root": stable across refreshes, unlike node indexes. */
static const char *node_name(const sms_tree *t, long i)
{
    return t->nodes[i].name ? t->nodes[i].name : "";
}

static char *node_path(const sms_tree *t, size_t i)
{
    long chain[64];
    int n = 0;
    size_t len = 1;
    for (long j = (long)i; j >= 0 && n < 64; j = t->nodes[j].parent) {
        chain[n++] = j;
        len += strlen(node_name(t, j)) + 1;
    }
    char *p = malloc(len);
    size_t at = 0;
    for (int k = n - 1; p && k >= 0; k--)
        at += (size_t)snprintf(p + at, len - at, "%s%s", k == n - 1 ? "" : "/", node_name(t, chain[k]));
    return p;
}

static bool path_closed(const disks_view *v, const char *path)
{
    for (size_t i = 0; path && i < v->n_closed; i++)
        if (strcmp(v->closed[i], path) == 0)
            return true;
    return false;
}

static void set_closed(disks_view *v, size_t node, bool closed)
{
    char *path = node_path(&v->tree, node);
    if (!path)
        return;
    for (size_t i = 0; i < v->n_closed; i++)
        if (strcmp(v->closed[i], path) == 0) {
            if (!closed) {
                free(v->closed[i]);
                v->closed[i] = v->closed[--v->n_closed];
            }
            free(path);
            v->collapsed[node] = closed;
            return;
        }
    char **grown = closed ? realloc(v->closed, (v->n_closed + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(path);
        return;
    }
    v->closed = grown;
    v->closed[v->n_closed++] = path;
    v->collapsed[node] = true;
}

static void tree_clear(disks_view *v)
{
    sms_disk_tree_free(&v->tree);
    memset(&v->tree, 0, sizeof v->tree);
    free(v->last_child);
    free(v->collapsed);
    free(v->visible);
    v->last_child = v->collapsed = NULL;
    v->visible = NULL;
    v->n_visible = 0;
}

/* Which nodes show: those whose ancestors are all expanded. */
static void compute_visible(disks_view *v)
{
    v->n_visible = 0;
    for (size_t i = 0; i < v->tree.n_nodes; i++) {
        bool shown = true;
        for (long p = v->tree.nodes[i].parent; p >= 0 && shown; p = v->tree.nodes[p].parent)
            shown = !v->collapsed[p];
        if (shown)
            v->visible[v->n_visible++] = i;
    }
}

/* Cursor back on the remembered path (or the nearest row). */
static void restore_cursor(disks_view *v)
{
    for (size_t r = 0; v->sel_path && r < v->n_visible; r++) {
        char *p = node_path(&v->tree, v->visible[r]);
        bool same = p && strcmp(p, v->sel_path) == 0;
        free(p);
        if (same) {
            v->cursor = r;
            return;
        }
    }
    if (v->cursor >= v->n_visible)
        v->cursor = v->n_visible ? v->n_visible - 1 : 0;
}

static void remember_cursor(disks_view *v)
{
    free(v->sel_path);
    v->sel_path = v->n_visible ? node_path(&v->tree, v->visible[v->cursor]) : NULL;
}

static void forget_server(disks_view *v)
{
    for (size_t i = 0; i < v->n_closed; i++)
        free(v->closed[i]);
    free(v->closed);
    free(v->sel_path);
    free(v->server_id);
    v->closed = NULL;
    v->n_closed = 0;
    v->sel_path = v->server_id = NULL;
    v->cursor = v->top = 0;
}

static void tree_build(disks_view *v, const sms_detail *d)
{
    tree_clear(v);
    if (d && (!v->server_id || !d->server_id || strcmp(v->server_id, d->server_id) != 0)) {
        forget_server(v);
        v->server_id = d->server_id ? strdup(d->server_id) : NULL;
    }
    v->detail = d;
    v->detail_ms = d ? d->fetched_ms : 0;
    if (!d || sms_disk_tree_build(&d->server, &v->tree) < 0)
        return;
    size_t n = v->tree.n_nodes;
    v->last_child = calloc(n ? n : 1, sizeof *v->last_child);
    v->collapsed = calloc(n ? n : 1, sizeof *v->collapsed);
    v->visible = calloc(n ? n : 1, sizeof *v->visible);
    bool *seen = calloc(n + 1, sizeof *seen);          /* seen[parent + 1]: a later sibling exists */
    if (!v->last_child || !v->collapsed || !v->visible || !seen) {
        free(seen);
        tree_clear(v);
        return;
    }
    for (size_t i = n; i-- > 0;) {
        size_t p = (size_t)(v->tree.nodes[i].parent + 1);
        v->last_child[i] = !seen[p];
        seen[p] = true;
    }
    free(seen);
    for (size_t i = 0; i < n; i++) {
        char *path = node_path(&v->tree, i);
        v->collapsed[i] = path_closed(v, path);
        free(path);
    }
    compute_visible(v);
    restore_cursor(v);
}

/* Rebuild when the detail shown is not the one the tree came from. */
static void disks_sync(sms_app *a, disks_view *v)
{
    const sms_detail *d = sms_app_detail(a);
    if (d == v->detail && (!d || d->fetched_ms == v->detail_ms))
        return;
    tree_build(v, d);
}

/* ---- drawing ------------------------------------------------------------------- */

enum { W_SIZE = 9, W_USED = 4, W_BAR = 6, W_FS = 11, W_MOUNT = 12 };   /* the mount point takes the rest */

/* Tree prefix of node i: one "│ " or "  " per ancestor level, then "├─"/"└─". */
static void tree_prefix(const disks_view *v, const sms_symbols *sym, size_t i, char *buf, size_t len)
{
    const sms_tree_node *nd = &v->tree.nodes[i];
    size_t at = 0;
    buf[0] = '\0';
    if (nd->depth == 0)
        return;
    long anc[64];
    int n = 0;
    for (long p = nd->parent; p >= 0 && n < 64; p = v->tree.nodes[p].parent)
        anc[n++] = p;
    /* anc[n-1] is the disk; levels between the disk and the node draw pipes. */
    for (int k = n - 2; k >= 0 && at + 16 < len; k--) {
        const char *seg = v->last_child[anc[k]] ? "  " : sym->tree_pipe;
        at += (size_t)snprintf(buf + at, len - at, "%s", seg);
    }
    if (at + 8 < len)
        snprintf(buf + at, len - at, "%s", v->last_child[i] ? sym->tree_last : sym->tree_mid);
}

/* " [OS]", " [BOOT]": what the disk or partition is for, when it matters. The links to
 * VGs and Btrfs show as the tree itself. */
static void use_tag(const sms_tree_node *nd, char *buf, size_t len)
{
    const char *u = nd->device_use;
    buf[0] = '\0';
    if ((nd->kind == SMS_NODE_DISK || nd->kind == SMS_NODE_PARTITION) && u && *u && strcmp(u, "NORMAL") != 0 &&
        strcmp(u, "VOLUME_GROUP") != 0 && strcmp(u, "BTRFS") != 0)
        snprintf(buf, len, " [%s]", u);
}

static const char *kind_tag(const sms_tree_node *nd)
{
    switch (nd->kind) {
    case SMS_NODE_DISK:      return "";
    case SMS_NODE_PARTITION: return "";
    case SMS_NODE_VG:        return nd->is_ref ? " (VG, listed above)" : " (VG)";
    case SMS_NODE_LV:        return " (LV)";
    case SMS_NODE_BTRFS:     return " (btrfs)";
    case SMS_NODE_SUBVOL:    return nd->is_snapshot ? " (snapshot)" : " (subvol)";
    }
    return "";
}

/* Whose disks these are: the pane follows the selection of another pane, so it says. */
static void draw_title(sms_app *a, const disks_view *v, WINDOW *w, int cols)
{
    const sms_server *s = &v->detail->server;
    sms_draw_fmt(w, 0, 0, cols, sms_role_attr(SMS_ROLE_TITLE), a->sym, "Disks of %s%s%s%s  (%zu disk%s)",
                 s->name ? s->name : v->detail->server_id, s->ip ? " (" : "", s->ip ? s->ip : "", s->ip ? ")" : "",
                 s->n_disks, s->n_disks == 1 ? "" : "s");
}

static void draw_header(sms_app *a, WINDOW *w, int cols, int name_w)
{
    char line[256];
    snprintf(line, sizeof line, "%-*s %*s %*s %-*s %-*s %s", name_w, "DEVICE", W_SIZE, "SIZE", W_USED, "USED",
             W_BAR, "", W_FS, "FS", "MOUNT");
    sms_draw_text(w, 1, 0, cols, line, sms_role_attr(SMS_ROLE_HEADER), a->sym, true);
}

static int name_width(int cols)
{
    int rest = cols - (W_SIZE + W_USED + W_BAR + W_FS + W_MOUNT + 5);
    return rest < 16 ? 16 : rest > 56 ? 56 : rest;
}

static void draw_node(sms_app *a, disks_view *v, WINDOW *w, int y, int cols, size_t row)
{
    size_t i = v->visible[row];
    const sms_tree_node *nd = &v->tree.nodes[i];
    bool sel = row == v->cursor;
    attr_t base = sel ? sms_role_attr(SMS_ROLE_SELECTED) : sms_role_attr(SMS_ROLE_NORMAL);
    const sms_symbols *sym = a->sym;
    char name[512], prefix[256], use[48];
    tree_prefix(v, sym, i, prefix, sizeof prefix);
    use_tag(nd, use, sizeof use);
    const char *fold = nd->n_children ? (v->collapsed[i] ? sym->tree_closed : sym->tree_open) : " ";
    snprintf(name, sizeof name, "%s%s %s%s%s", prefix, fold, nd->name ? nd->name : "?", kind_tag(nd), use);
    int nw = name_width(cols);
    sms_draw_text(w, y, 0, cols, "", base, sym, true);              /* the row's background */
    sms_draw_text(w, y, 0, nw, name, nd->is_ref && !sel ? sms_role_attr(SMS_ROLE_DIM) : base, sym, true);
    int x = nw + 1;
    char size[16] = "", used[16] = "";
    if (nd->size > 0)
        sms_fmt_bytes(size, sizeof size, nd->size);
    if (nd->used_pct >= 0)
        snprintf(used, sizeof used, "%d%%", nd->used_pct);
    sms_draw_fmt(w, y, x, cols - x, base, sym, "%*s %*s ", W_SIZE, size, W_USED, used);
    x += W_SIZE + W_USED + 2;
    if (x + W_BAR > cols)
        return;
    if (nd->used_pct >= 0) {
        attr_t done = nd->used_pct >= 90 ? sms_role_attr(SMS_ROLE_STATE_WARN) : sms_role_attr(SMS_ROLE_BAR_DONE);
        sms_draw_bar(w, y, x, W_BAR, nd->used_pct / 100.0, done, sms_role_attr(SMS_ROLE_BAR_TODO), sym);
    }
    x += W_BAR + 1;
    if (x < cols)
        sms_draw_text(w, y, x, W_FS < cols - x ? W_FS : cols - x, nd->file_system ? nd->file_system : "", base, sym, false);
    x += W_FS + 1;
    if (x < cols)
        sms_draw_text(w, y, x, cols - x, nd->mount_point ? nd->mount_point : "", base, sym, false);
}

static void disks_draw(sms_app *a, void *st, WINDOW *w, int rows, int cols)
{
    disks_view *v = st;
    disks_sync(a, v);
    v->rows = rows > 2 ? rows - 2 : 1;
    if (!v->detail) {
        const char *msg = sms_fleet_table_selected(&a->table) ? "Loading the server's disks..."
                          : "No server selected: pick one in the Servers pane (1).";
        sms_draw_text(w, 0, 0, cols, msg, sms_role_attr(SMS_ROLE_DIM), a->sym, false);
        return;
    }
    draw_title(a, v, w, cols);
    draw_header(a, w, cols, name_width(cols));
    if (!v->n_visible) {
        sms_draw_text(w, 2, 0, cols, "No disks reported by the agent.", sms_role_attr(SMS_ROLE_DIM), a->sym, false);
        return;
    }
    if (v->cursor < v->top)
        v->top = v->cursor;
    if (v->cursor >= v->top + (size_t)v->rows)
        v->top = v->cursor - (size_t)v->rows + 1;
    for (int r = 0; r < v->rows && v->top + (size_t)r < v->n_visible; r++)
        draw_node(a, v, w, 2 + r, cols, v->top + (size_t)r);
}

/* ---- actions ------------------------------------------------------------------- */

static void move_to(disks_view *v, size_t row)
{
    if (!v->n_visible)
        return;
    v->cursor = row < v->n_visible ? row : v->n_visible - 1;
    remember_cursor(v);
}

static void move_to_node(disks_view *v, size_t node)
{
    for (size_t r = 0; r < v->n_visible; r++)
        if (v->visible[r] == node) {
            move_to(v, r);
            return;
        }
}

static void toggle(disks_view *v, size_t node, bool closed)
{
    if (!v->tree.nodes[node].n_children || v->collapsed[node] == closed)
        return;
    set_closed(v, node, closed);
    compute_visible(v);
    move_to_node(v, node);
}

/* h: collapse an open node, else go to its parent. */
static void collapse(disks_view *v, size_t node)
{
    const sms_tree_node *nd = &v->tree.nodes[node];
    if (nd->n_children && !v->collapsed[node])
        toggle(v, node, true);
    else if (nd->parent >= 0)
        move_to_node(v, (size_t)nd->parent);
}

/* l: expand a closed node, else go to its first child. */
static void expand(disks_view *v, size_t node)
{
    const sms_tree_node *nd = &v->tree.nodes[node];
    if (nd->n_children && v->collapsed[node])
        toggle(v, node, false);
    else if (nd->n_children)
        move_to_node(v, node + 1);          /* pre-order: the first child follows */
}

static bool disks_action(sms_app *a, void *st, sms_action_id act)
{
    disks_view *v = st;
    disks_sync(a, v);
    size_t last = v->n_visible ? v->n_visible - 1 : 0, page = v->rows > 1 ? (size_t)v->rows - 1 : 1;
    size_t node = v->n_visible ? v->visible[v->cursor] : 0;
    size_t to;
    if (sms_move_target(act, v->cursor, last, page, &to)) {
        move_to(v, to);
        a->dirty = true;
        return true;
    }
    switch (act) {
    case SMS_A_COLLAPSE:  if (v->n_visible) collapse(v, node); break;
    case SMS_A_EXPAND:    if (v->n_visible) expand(v, node); break;
    case SMS_A_ENTER:     if (v->n_visible) toggle(v, node, !v->collapsed[node]); break;
    default:              return false;
    }
    a->dirty = true;
    return true;
}

static void disks_click(sms_app *a, void *st, int row, int col)
{
    disks_view *v = st;
    (void)col;
    disks_sync(a, v);
    if (row < 2 || v->top + (size_t)(row - 2) >= v->n_visible)
        return;
    size_t r = v->top + (size_t)(row - 2);
    if (r == v->cursor)
        toggle(v, v->visible[r], !v->collapsed[v->visible[r]]);
    else
        move_to(v, r);
    a->dirty = true;
}

static void *disks_create(void) { return calloc(1, sizeof(disks_view)); }

static void disks_destroy(void *st)
{
    disks_view *v = st;
    if (!v)
        return;
    tree_clear(v);
    forget_server(v);
    free(v);
}

const sms_view_ops sms_view_disks = {
    .name = "disks", .title = "Disks",
    .create = disks_create, .destroy = disks_destroy, .draw = disks_draw,
    .action = disks_action, .click = disks_click,
};
