/*
 * dcc-kit pipeline module "create" for Harmony (ES5 only). Loaded after dcckit.js and pipeline/metadata.js;
 * registers its named requests with dcckit.serve(name, fn).
 */
