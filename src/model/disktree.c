/* disktree.c - the disk / volume tree of a server as a flat pre-order list.
 *
 * Members are the disks and partitions, numbered in tree order ("ordinals"). A VG's
 * components and a Btrfs entry's device are resolved to the first member with that
 * name; those links ("claims") are sorted by ordinal, so walking the members in order
 * meets each VG first at its first member (full node + LVs) and later only as a
 * reference. Each Btrfs entry is placed once. VGs and Btrfs entries that match no
 * member are appended at depth 0 rather than hidden.
 *
 * Everything is bounded by the input: each claim comes from one component or one
 * Btrfs entry, subvolumes are placed once each, and nothing recurses (hostile
 * parent_id chains are walked with an explicit stack; cycles end up at top level).
 */
#include "model/disktree.h"

#include <stdlib.h>
#include <string.h>

/* ---- growable node list ---------------------------------------------------- */

typedef struct tree_builder {
    sms_tree tree;
    size_t cap;
    bool oom;
} tree_builder;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int percent_used(int64_t size, int64_t used)
{
    if (size <= 0 || used < 0)
        return -1;
    if (used >= size)
        return 100;
    return (int)((double)used * 100.0 / (double)size);
}

/* Node description before it is copied into the tree. */
typedef struct node_spec {
    sms_node_kind kind;
    const char *name, *file_system, *mount_point, *device_use;
    int64_t size, used;
    bool is_ref, is_snapshot, known_used;   /* known_used false -> used_pct -1 */
} node_spec;

/* Appends a node under `parent` (-1 = top level); returns its index or -1. */
static long add_node(tree_builder *b, long parent, const node_spec *spec)
{
    if (b->oom)
        return -1;
    sms_tree *t = &b->tree;
    if (t->n_nodes == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        sms_tree_node *nodes = realloc(t->nodes, cap * sizeof *nodes);
        if (!nodes) {
            b->oom = true;
            return -1;
        }
        t->nodes = nodes;
        b->cap = cap;
    }
    sms_tree_node *n = &t->nodes[t->n_nodes];
    memset(n, 0, sizeof *n);
    n->kind = spec->kind;
    n->parent = parent;
    n->depth = parent < 0 ? 0 : t->nodes[parent].depth + 1;
    n->name = dup_or_null(spec->name);
    n->file_system = dup_or_null(spec->file_system);
    n->mount_point = dup_or_null(spec->mount_point);
    n->device_use = dup_or_null(spec->device_use);
    t->n_nodes++;     /* counted before the check so sms_disk_tree_free sees it */
    if ((spec->name && !n->name) || (spec->file_system && !n->file_system)
        || (spec->mount_point && !n->mount_point) || (spec->device_use && !n->device_use)) {
        b->oom = true;
        return -1;
    }
    n->size = spec->size;
    n->used = spec->used;
    n->used_pct = spec->known_used ? percent_used(spec->size, spec->used) : -1;
    n->is_ref = spec->is_ref;
    n->is_snapshot = spec->is_snapshot;
    if (parent >= 0)
        t->nodes[parent].n_children++;
    return (long)(t->n_nodes - 1);
}

/* ---- members: disks and partitions by name -------------------------------------- */

typedef struct member { const char *name; size_t ordinal; } member;

static int member_cmp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
}

/* Sorted (name, ordinal) index; ties keep the lowest ordinal first. */
typedef struct member_index { member *items; size_t n; } member_index;

static size_t count_members(const sms_server *s)
{
    size_t n = s->n_disks;
    for (size_t d = 0; d < s->n_disks; d++)
        n += s->disks[d].n_physical_volumes;
    return n;
}

static int member_index_build(member_index *ix, const sms_server *s)
{
    size_t total = count_members(s), ord = 0;
    ix->n = 0;
    ix->items = malloc((total ? total : 1) * sizeof *ix->items);
    if (!ix->items)
        return -1;
    for (size_t d = 0; d < s->n_disks; d++) {
        const sms_disk *disk = &s->disks[d];
        if (disk->name)
            ix->items[ix->n++] = (member){disk->name, ord};
        ord++;
        for (size_t p = 0; p < disk->n_physical_volumes; p++, ord++)
            if (disk->physical_volumes[p].name)
                ix->items[ix->n++] = (member){disk->physical_volumes[p].name, ord};
    }
    qsort(ix->items, ix->n, sizeof *ix->items, member_cmp);
    return 0;
}

/* First ordinal of a member named name[0..len), or -1. */
static long member_find(const member_index *ix, const char *name, size_t len)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {                           /* lower bound */
        size_t mid = lo + (hi - lo) / 2;
        const char *m = ix->items[mid].name;
        int c = strncmp(m, name, len);
        if (c == 0 && m[len] != '\0')
            c = 1;                              /* m is longer: sorts after name */
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < ix->n && strncmp(ix->items[lo].name, name, len) == 0 && ix->items[lo].name[len] == '\0')
        return (long)ix->items[lo].ordinal;
    return -1;
}

/* ---- claims: which VG / Btrfs entry hangs under which member ------------------------ */

typedef enum claim_kind { CLAIM_VG, CLAIM_BTRFS } claim_kind;
typedef struct claim { size_t ordinal; claim_kind kind; size_t index; } claim;

static int claim_cmp(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    if (x->ordinal != y->ordinal)
        return (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;     /* VGs before Btrfs */
    return (x->index > y->index) - (x->index < y->index);
}

typedef struct claim_list { claim *items; size_t n, cap; } claim_list;

static int claim_add(claim_list *l, size_t ordinal, claim_kind kind, size_t index)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        claim *items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = (claim){ordinal, kind, index};
    return 0;
}

/* Components are "/dev/vdb1;/dev/vdc" (spaces around names tolerated). */
static int claim_vg_components(claim_list *l, const member_index *ix, const sms_vg *vg, size_t vg_index)
{
    const char *p = vg->components;
    while (p && *p) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *name = p;
        size_t n = len;
        while (n && *name == ' ') { name++; n--; }
        while (n && name[n - 1] == ' ') n--;
        long ord = n ? member_find(ix, name, n) : -1;
        if (ord >= 0 && claim_add(l, (size_t)ord, CLAIM_VG, vg_index) < 0)
            return -1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static int claims_build(claim_list *l, const member_index *ix, const sms_server *s)
{
    for (size_t v = 0; v < s->n_volume_groups; v++)
        if (claim_vg_components(l, ix, &s->volume_groups[v], v) < 0)
            return -1;
    for (size_t i = 0; i < s->n_btrfs_list; i++) {
        const char *dev = s->btrfs_list[i].device;
        long ord = dev ? member_find(ix, dev, strlen(dev)) : -1;
        if (ord >= 0 && claim_add(l, (size_t)ord, CLAIM_BTRFS, i) < 0)
            return -1;
    }
    if (l->n == 0)
        return 0;
    qsort(l->items, l->n, sizeof *l->items, claim_cmp);
    size_t kept = 1;                            /* drop repeats ("/dev/vdb1;/dev/vdb1") */
    for (size_t i = 1; i < l->n; i++)
        if (claim_cmp(&l->items[i], &l->items[kept - 1]) != 0)
            l->items[kept++] = l->items[i];
    l->n = kept;
    return 0;
}

/* Index of the first claim of member `ordinal` (or of a later one). */
static size_t claims_first(const claim_list *l, size_t ordinal)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->items[mid].ordinal < ordinal)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- volume groups ------------------------------------------------------------------ */

/* Allocated space: size - free_size when free_size is known, else the LVs' total. */
static int64_t vg_used(const sms_vg *vg)
{
    if (vg->free_size > 0 && vg->free_size <= vg->size)
        return vg->size - vg->free_size;
    int64_t sum = 0;
    for (size_t i = 0; i < vg->n_logical_volumes; i++) {
        int64_t sz = vg->logical_volumes[i].size;
        if (sz > 0)
            sum = sz > INT64_MAX - sum ? INT64_MAX : sum + sz;
    }
    return sum;
}

static void add_vg(tree_builder *b, long parent, const sms_vg *vg, bool is_ref)
{
    node_spec spec = {.kind = SMS_NODE_VG, .name = vg->name,
                      .size = vg->size, .used = vg_used(vg), .is_ref = is_ref,
                      .known_used = true};
    long at = add_node(b, parent, &spec);
    if (at < 0 || is_ref)
        return;
    for (size_t i = 0; i < vg->n_logical_volumes; i++) {
        const sms_lv *lv = &vg->logical_volumes[i];
        node_spec lspec = {.kind = SMS_NODE_LV, .name = lv->name, .file_system = lv->file_system,
                           .mount_point = lv->mount_point, .device_use = lv->device_use,
                           .size = lv->size, .used = lv->used_size, .known_used = true};
        add_node(b, at, &lspec);
    }
}

/* ---- Btrfs subvolumes ------------------------------------------------------------------ */

typedef struct subvol_ref { const char *id; size_t index; } subvol_ref;

static int subvol_id_cmp(const void *a, const void *b)
{
    return strcmp(((const subvol_ref *)a)->id, ((const subvol_ref *)b)->id);
}

/* Sort order: by id, duplicates in list order. */
static int subvol_ref_cmp(const void *a, const void *b)
{
    const subvol_ref *x = a, *y = b;
    int c = subvol_id_cmp(a, b);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The wire says "null" for "no mount path". */
static const char *subvol_mount(const sms_subvol *sv)
{
    const char *m = sv->subvol_mount_path;
    return (m && *m && strcmp(m, "null") != 0) ? m : NULL;
}

static long add_subvol(tree_builder *b, long parent, const sms_subvol *sv)
{
    node_spec spec = {.kind = SMS_NODE_SUBVOL, .name = sv->subvol_name,
                      .mount_point = subvol_mount(sv),
                      .is_snapshot = sv->is_snapshot && strcmp(sv->is_snapshot, "true") == 0};
    return add_node(b, parent, &spec);
}

/* Per-subvolume links: parent index (-1 = top level), children as linked lists in list
 * order, and whether the node was already placed. */
typedef struct subvol_links {
    long *parent, *first_child, *last_child, *next_sibling;
    bool *placed;
    size_t *stack_sv;            /* DFS stack: subvolume index ... */
    long *stack_node;            /* ... and the tree node it hangs under */
} subvol_links;

static void subvol_links_free(subvol_links *k)
{
    free(k->parent); free(k->first_child); free(k->last_child); free(k->next_sibling);
    free(k->placed); free(k->stack_sv); free(k->stack_node);
    memset(k, 0, sizeof *k);
}

static int subvol_links_alloc(subvol_links *k, size_t n)
{
    memset(k, 0, sizeof *k);
    k->parent = malloc(n * sizeof(long));
    k->first_child = malloc(n * sizeof(long));
    k->last_child = malloc(n * sizeof(long));
    k->next_sibling = malloc(n * sizeof(long));
    k->placed = calloc(n, sizeof(bool));
    k->stack_sv = malloc(n * sizeof(size_t));
    k->stack_node = malloc(n * sizeof(long));
    if (!k->parent || !k->first_child || !k->last_child || !k->next_sibling || !k->placed
        || !k->stack_sv || !k->stack_node)
        return -1;                              /* the caller frees */
    for (size_t i = 0; i < n; i++)
        k->parent[i] = k->first_child[i] = k->last_child[i] = k->next_sibling[i] = -1;
    return 0;
}

/* Parent of each subvolume = first subvolume whose subvol_id equals its parent_id. */
static int subvol_link_parents(subvol_links *k, const sms_btrfs *fs)
{
    size_t n = fs->n_subvolumn, n_ids = 0;
    subvol_ref *ids = malloc(n * sizeof *ids);
    if (!ids)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (fs->subvolumn[i].subvol_id)
            ids[n_ids++] = (subvol_ref){fs->subvolumn[i].subvol_id, i};
    qsort(ids, n_ids, sizeof *ids, subvol_ref_cmp);
    for (size_t i = 0; i < n; i++) {
        const char *pid = fs->subvolumn[i].parent_id;
        if (!pid)
            continue;
        subvol_ref key = {pid, 0};
        subvol_ref *hit = bsearch(&key, ids, n_ids, sizeof *ids, subvol_id_cmp);
        /* bsearch may land on any duplicate: step back to the first. */
        while (hit && hit > ids && strcmp(hit[-1].id, pid) == 0)
            hit--;
        if (hit && hit->index != i) {
            long p = (long)hit->index;
            k->parent[i] = p;
            if (k->last_child[p] < 0)
                k->first_child[p] = (long)i;
            else
                k->next_sibling[k->last_child[p]] = (long)i;
            k->last_child[p] = (long)i;
        }
    }
    free(ids);
    return 0;
}

/* Pre-order walk from subvolume `root` under tree node `at`, skipping anything already
 * placed (which is what ends a cycle). */
static void place_subtree(tree_builder *b, subvol_links *k, const sms_btrfs *fs, size_t root, long at)
{
    size_t top = 0;
    k->stack_sv[top] = root;
    k->stack_node[top] = at;
    top++;
    k->placed[root] = true;
    while (top > 0 && !b->oom) {
        top--;
        size_t sv = k->stack_sv[top];
        long node = add_subvol(b, k->stack_node[top], &fs->subvolumn[sv]);
        if (node < 0)
            return;
        /* Push children in reverse so the first child pops first. */
        size_t first = top;
        for (long c = k->first_child[sv]; c >= 0; c = k->next_sibling[c]) {
            if (k->placed[c])
                continue;
            k->placed[c] = true;
            k->stack_sv[top] = (size_t)c;
            k->stack_node[top] = node;
            top++;
        }
        for (size_t i = first, j = top; i + 1 < j; i++, j--) {
            size_t sv_tmp = k->stack_sv[i]; k->stack_sv[i] = k->stack_sv[j - 1]; k->stack_sv[j - 1] = sv_tmp;
            long nd_tmp = k->stack_node[i]; k->stack_node[i] = k->stack_node[j - 1]; k->stack_node[j - 1] = nd_tmp;
        }
    }
}

/* Each subvolume is marked placed when pushed, so the stack never exceeds n. */
static void add_subvolumes(tree_builder *b, long at, const sms_btrfs *fs)
{
    size_t n = fs->n_subvolumn;
    if (n == 0)
        return;
    subvol_links k;
    if (subvol_links_alloc(&k, n) < 0 || subvol_link_parents(&k, fs) < 0) {
        subvol_links_free(&k);
        b->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (k.parent[i] < 0 && !k.placed[i])
            place_subtree(b, &k, fs, i, at);
    /* Whatever is left sits on a parent_id cycle (or below one): show it at top level. */
    for (size_t i = 0; i < n; i++)
        if (!k.placed[i])
            place_subtree(b, &k, fs, i, at);
    subvol_links_free(&k);
}

static void add_btrfs(tree_builder *b, long parent, const sms_btrfs *fs)
{
    node_spec spec = {.kind = SMS_NODE_BTRFS,
                      .name = fs->name ? fs->name : fs->device, .file_system = "btrfs",
                      .mount_point = fs->default_subvol_mountpath,
                      .size = fs->size, .used = fs->g_vol_used_size, .known_used = true};
    long at = add_node(b, parent, &spec);
    if (at >= 0)
        add_subvolumes(b, at, fs);
}

/* ---- disks and partitions ------------------------------------------------------------- */

typedef struct build_ctx {
    tree_builder b;
    const sms_server *s;
    const claim_list *claims;
    bool *vg_done, *btrfs_done;  /* full VG node emitted / Btrfs entry placed */
} build_ctx;

/* Hangs every VG / Btrfs entry claimed by member `ordinal` under tree node `at`. */
static void add_claimed(build_ctx *c, size_t ordinal, long at)
{
    const claim_list *l = c->claims;
    for (size_t i = claims_first(l, ordinal); i < l->n && l->items[i].ordinal == ordinal; i++) {
        const claim *cl = &l->items[i];
        if (cl->kind == CLAIM_VG) {
            add_vg(&c->b, at, &c->s->volume_groups[cl->index], c->vg_done[cl->index]);
            c->vg_done[cl->index] = true;
        } else if (!c->btrfs_done[cl->index]) {
            add_btrfs(&c->b, at, &c->s->btrfs_list[cl->index]);
            c->btrfs_done[cl->index] = true;
        }
    }
}

static void add_disks(build_ctx *c)
{
    size_t ord = 0;
    for (size_t d = 0; d < c->s->n_disks && !c->b.oom; d++) {
        const sms_disk *disk = &c->s->disks[d];
        node_spec dspec = {.kind = SMS_NODE_DISK, .name = disk->name, .device_use = disk->device_use,
                           .size = disk->size, .used = disk->used_size, .known_used = true};
        long at = add_node(&c->b, -1, &dspec);
        size_t disk_ord = ord++;
        for (size_t p = 0; p < disk->n_physical_volumes && !c->b.oom; p++, ord++) {
            const sms_pv *pv = &disk->physical_volumes[p];
            node_spec pspec = {.kind = SMS_NODE_PARTITION, .name = pv->name,
                               .file_system = pv->file_system, .mount_point = pv->mount_point,
                               .device_use = pv->device_use, .size = pv->size,
                               .used = pv->used_size, .known_used = true};
            add_claimed(c, ord, add_node(&c->b, at, &pspec));
        }
        /* A whole disk in a VG (no partition table) carries the VG itself, after
         * any partitions. */
        add_claimed(c, disk_ord, at);
    }
}

static void add_orphans(build_ctx *c)
{
    for (size_t v = 0; v < c->s->n_volume_groups; v++)
        if (!c->vg_done[v])
            add_vg(&c->b, -1, &c->s->volume_groups[v], false);
    for (size_t i = 0; i < c->s->n_btrfs_list; i++)
        if (!c->btrfs_done[i])
            add_btrfs(&c->b, -1, &c->s->btrfs_list[i]);
}

int sms_disk_tree_build(const sms_server *s, sms_tree *out)
{
    memset(out, 0, sizeof *out);
    member_index ix = {0};
    claim_list claims = {0};
    build_ctx c = {.s = s, .claims = &claims};
    c.vg_done = calloc(s->n_volume_groups + 1, sizeof(bool));
    c.btrfs_done = calloc(s->n_btrfs_list + 1, sizeof(bool));
    if (!c.vg_done || !c.btrfs_done || member_index_build(&ix, s) < 0
        || claims_build(&claims, &ix, s) < 0) {
        c.b.oom = true;
    } else {
        add_disks(&c);
        if (!c.b.oom)
            add_orphans(&c);
    }
    free(ix.items);
    free(claims.items);
    free(c.vg_done);
    free(c.btrfs_done);
    *out = c.b.tree;
    if (c.b.oom) {
        sms_disk_tree_free(out);
        return -1;
    }
    return 0;
}

void sms_disk_tree_free(sms_tree *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_nodes; i++) {
        sms_tree_node *n = &t->nodes[i];
        free(n->name);
        free(n->file_system);
        free(n->mount_point);
        free(n->device_use);
    }
    free(t->nodes);
    t->nodes = NULL;
    t->n_nodes = 0;
}
