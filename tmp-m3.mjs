const ms = (c) => ((c.user + c.system) / 1000).toFixed(1);
let c0 = process.cpuUsage();
await import('/work/wt-23a/node_modules/yaml/browser/index.js');
console.log('yaml browser import', ms(process.cpuUsage(c0)));
c0 = process.cpuUsage();
await import('/work/wt-23a/dist/gen/opentelemetry-configuration/validate.js');
console.log('validator import (tsc output)', ms(process.cpuUsage(c0)));
