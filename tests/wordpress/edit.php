<?php
/*
 * Change the local WordPress the way an editor would, for the sync tests.
 * Every command prints one JSON value on stdout.
 *
 *   php edit.php snapshot ID               the wp_posts row of ID (to restore it later)
 *   php edit.php restore '<row JSON>'      put a snapshot back exactly (dates included)
 *   php edit.php update ID '<fields JSON>' wp_update_post (e.g. {"post_content": "..."})
 *   php edit.php insert '<fields JSON>'    wp_insert_post, published; prints the new id
 *   php edit.php delete ID                 wp_delete_post(ID, force) — gone for good
 *   php edit.php recount                   recount every category's and tag's posts
 *   php edit.php upload-pdf FILE TITLE      a small PDF uploaded as an attachment; prints
 *                                          {"id": ID, "url": URL} (delete ID removes the file)
 *
 * Run with WP_EVAL_STATE in the environment, like populate.php.
 */
require __DIR__ . '/bootstrap.php';

function out($v) { echo json_encode($v), "\n"; exit(0); }
function fail($m) { fwrite(STDERR, "[edit] $m\n"); exit(1); }

/** Recount every category and tag (categories.json and tags.json show the counts). */
function recount() {
    $n = 0;
    foreach (['category', 'post_tag'] as $tax) {
        $ids = get_terms(['taxonomy' => $tax, 'hide_empty' => false, 'fields' => 'tt_ids']);
        wp_update_term_count_now($ids, $tax);
        $n += count($ids);
    }
    return $n;
}

$cmd = $argv[1] ?? '';
global $wpdb;
switch ($cmd) {
    case 'snapshot':
        $row = $wpdb->get_row($wpdb->prepare("SELECT * FROM {$wpdb->posts} WHERE ID = %d", (int) $argv[2]), ARRAY_A);
        $row || fail("no post {$argv[2]}");
        out($row);
    case 'restore':
        $row = json_decode($argv[2], true);
        is_array($row) || fail('restore needs a JSON row');
        $wpdb->update($wpdb->posts, $row, ['ID' => (int) $row['ID']]) !== false || fail($wpdb->last_error);
        clean_post_cache((int) $row['ID']);
        recount();  // a status change moved term counts; a raw row update does not move them back
        out((int) $row['ID']);
    case 'recount':
        out(recount());
    case 'update':
        $fields = json_decode($argv[3], true);
        $fields['ID'] = (int) $argv[2];
        // No revision: it would show in the REST answer (_links.version-history) after restore.
        remove_action('post_updated', 'wp_save_post_revision', 10);
        $id = wp_update_post(wp_slash($fields), true);
        is_wp_error($id) && fail($id->get_error_message());
        out($id);
    case 'insert':
        $fields = json_decode($argv[2], true) + ['post_status' => 'publish', 'post_type' => 'post', 'post_author' => 1];
        $id = wp_insert_post(wp_slash($fields), true);
        is_wp_error($id) && fail($id->get_error_message());
        out($id);
    case 'upload-pdf':
        require_once ABSPATH . 'wp-admin/includes/image.php';
        $pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
        $up = wp_upload_bits($argv[2], null, $pdf);
        empty($up['error']) || fail($up['error']);
        $id = wp_insert_attachment(['post_mime_type' => 'application/pdf', 'guid' => $up['url'],
            'post_title' => $argv[3] ?? $argv[2], 'post_status' => 'inherit'], $up['file'], 0, true);
        is_wp_error($id) && fail($id->get_error_message());
        out(['id' => $id, 'url' => wp_get_attachment_url($id)]);
    case 'delete':
        $post = get_post((int) $argv[2]);
        $done = $post && $post->post_type === 'attachment'
            ? wp_delete_attachment((int) $argv[2], true)  // its file too
            : wp_delete_post((int) $argv[2], true);
        $done || fail("cannot delete {$argv[2]}");
        out((int) $argv[2]);
    default:
        fail("unknown command '$cmd'");
}
