// Loaded with --import after otelite/register, before the application: contrib instrumentations set up
// the opentelemetry-js way, with no tracerProvider (they report through the global one otelite registered).
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';

registerInstrumentations({ instrumentations: [new ExpressInstrumentation()] });
