<?php
// WordPress's own formatting functions, run on the cases tests/wp/test_wpformat.py sends on stdin
// (a JSON list of [function, text]); prints their results as a JSON list. Only the pure
// functions of wp-includes/formatting.php are loaded, with stand-ins for the hooks they call:
// no database, no network, no WordPress service.
$root = getenv('WORDPRESS_DIR') ?: '/usr/share/wordpress';
define('ABSPATH', $root . '/');
define('WPINC', 'wp-includes');
function apply_filters($tag, $value) { return $value; }
function _x($text, $context) { return $text; }
function __($text) { return $text; }
function get_option($name) { return $name === 'use_smilies' ? 1 : ''; }
function current_filter() { return 'the_content'; }
function includes_url($path) { return $path; }
function site_url() { return ''; }
$GLOBALS['shortcode_tags'] = array_fill_keys(
    array('wp_caption', 'caption', 'gallery', 'playlist', 'audio', 'video', 'embed'), 'strlen'
);
require ABSPATH . WPINC . '/formatting.php';
// smilies_init() lives in functions.php, which needs the database layer: take it alone.
preg_match('/^function smilies_init\(\).*?^}/ms', file_get_contents(ABSPATH . WPINC . '/functions.php'), $m);
eval($m[0]);
smilies_init();
$out = array();
foreach (json_decode(file_get_contents('php://stdin'), true) as list($function, $text)) {
    switch ($function) {
        case 'wpautop': $out[] = wpautop($text); break;
        case 'wptexturize': $out[] = wptexturize($text); break;
        case 'convert_smilies': $out[] = convert_smilies($text); break;
        case 'shortcode_unautop': $out[] = shortcode_unautop($text); break;
        case 'trim_words': $out[] = wp_trim_words($text, 55, ' [&hellip;]'); break;
        default: $out[] = null;
    }
}
echo json_encode($out, JSON_INVALID_UTF8_SUBSTITUTE);
