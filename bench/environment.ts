import { describeEnvironment, finishEnvironment, startEnvironment } from './lib/environment';

/** Prints what the machine is and how fast it is now, as every benchmark records it. */
console.log(describeEnvironment(finishEnvironment(await startEnvironment({ chromium: true }))));
