// Loading the WebAssembly engine (pkg/zh_search.js, wasm-bindgen's glue) once per page, and
// warming it up in the idle time after it loads.

/** The glue module, next to the bundled zh-search.js this module is part of. */
const GLUE = new URL('./pkg/zh_search.js', import.meta.url);

let engine;

/** Load and initialise the wasm module once; resolves to the module namespace. */
export const loadEngine = () =>
  (engine ??= import(GLUE).then(async (module) => {
    await module.default();
    warmUp(module);
    return module;
  }));

/** Warm-up after loading (see warmUp): up to WARM_UP_SEARCHES searches cycling through
 * WARM_UP_QUERIES, in slices of about WARM_UP_SLICE_MS between other tasks, and no more than
 * WARM_UP_TOTAL_MS of searching in all (a large index makes each search dearer). */
const WARM_UP_SEARCHES = 250;
const WARM_UP_SLICE_MS = 4;
const WARM_UP_TOTAL_MS = 300;
const WARM_UP_QUERIES = ['zhong', '"中文" 搜索', '中文的搜索是什么', '中文', 'zh'];

/**
 * Searches down every path (pinyin, phrase, several terms, question, single word) in the idle
 * time after loading, so that the engine's one-time work is done before the reader types: the
 * first search folds the corpus, and the browser runs new wasm code in its baseline compiler
 * until a function has run often enough to be optimised, an optimisation that then competes
 * with the page for the CPU. It starts after the tasks already queued (the element's first
 * search among them) and holds the page for a few ms at a time (bench/RESULTS.md shows what it
 * does to the in-page latency).
 */
function warmUp(module) {
  let done = 0;
  let spent = 0;
  const slice = () => {
    const start = performance.now();
    try {
      do {
        module.search(WARM_UP_QUERIES[done % WARM_UP_QUERIES.length], { limit: 10 });
        if (done === 0) module.suggest('zh', 8);
        done++;
      } while (done < WARM_UP_SEARCHES && performance.now() - start < WARM_UP_SLICE_MS);
    } catch {
      return; // A damaged index reports its error on the first real search.
    }
    spent += performance.now() - start;
    if (done < WARM_UP_SEARCHES && spent < WARM_UP_TOTAL_MS) later(slice);
  };
  later(slice);
}

/** Runs `fn` after the current tasks, without keeping Node alive for it. */
const later = (fn) => setTimeout(fn, 0)?.unref?.();
