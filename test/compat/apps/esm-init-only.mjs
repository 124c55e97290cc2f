// The control: init() from a preload, without the ES module loader hook.
import { init } from 'otelite';

init();
