// NestJS 11 on Express with instrumentation-nestjs-core and instrumentation-express, under
// --require otelite/register. Decorators applied by hand (plain JavaScript).
require('reflect-metadata');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { NestInstrumentation } = require('@opentelemetry/instrumentation-nestjs-core');
registerInstrumentations({ instrumentations: [new ExpressInstrumentation(), new NestInstrumentation()] });

const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

class UsersController {
  find(id) {
    return { id };
  }
}
Param('id')(UsersController.prototype, 'find', 0);
Get(':id')(UsersController.prototype, 'find', Object.getOwnPropertyDescriptor(UsersController.prototype, 'find'));
Controller('users')(UsersController);
class AppModule {}
Module({ controllers: [UsersController] })(AppModule);

NestFactory.create(AppModule, { logger: false }).then(async (app) => {
  await app.listen(0, '127.0.0.1');
  const user = await (await fetch(`${await app.getUrl()}/users/3`)).json();
  await app.close();
  console.log(JSON.stringify({ user }));
});
