// All-in-one entry: attaches one ContextRoot to the page and registers every element.
import { attachContextRoot } from './context/context-root.js';
import './context/darkswap-connection.js';
import './components/demo/darkswap-demo.js';

attachContextRoot();

export * from './index.js';
