// zh-search.js: Chinese full-text search over an index embedded in a WebAssembly module, as the
// <zh-search> element (registered on import). No dependencies, no inline styles or scripts (it
// works under a strict CSP), and every piece of corpus text reaches the DOM as text nodes only.
// The build bundles this folder into www/zh-search.js (scripts/build-element.mjs); types:
// www/zh-search.d.ts.
import { ZhSearchElement } from './element.js';

export { loadEngine, settings } from './engine.js';
export { markedNodes, snippetNodes } from './render.js';
export { ZhSearchElement };
export default ZhSearchElement;

ZhSearchElement.define();
