const ms = (c) => ((c.user + c.system) / 1000).toFixed(1);
let c0 = process.cpuUsage();
await import('/work/wt-23a/dist/src/configuration/parse-configuration.js');
console.log('parser import()', ms(process.cpuUsage(c0)));
