// The OpenAI-compatible test server lives in examples/support/ (the `--http` demo runs it too);
// this path stays for tests that import it from here.
export * from '../../examples/support/openaiServer.js';
