// Unit tests run the TypeScript sources through tsx; node tests load the built nodes from dist/.
module.exports = {
  require: ['tsx/cjs'],
  extension: ['ts'],
  spec: ['test/unit/**/*.test.ts', 'test/nodes/**/*.test.ts', 'test/e2e/**/*.test.ts'],
  timeout: 60000,
  reporter: process.env.CI ? 'dot' : 'spec',
};
