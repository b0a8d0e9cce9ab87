// Unit tests run the TypeScript sources through tsx; node tests load the built nodes from dist/.
// Files named on the command line replace the default set (mocha would otherwise add both).
const named = process.argv.slice(2).some((a) => !a.startsWith('-') && /test[\\/]|\.test\.ts$/.test(a));
module.exports = {
  require: ['tsx/cjs'],
  extension: ['ts'],
  spec: named ? [] : ['test/unit/**/*.test.ts', 'test/nodes/**/*.test.ts', 'test/e2e/**/*.test.ts'],
  timeout: 60000,
  reporter: process.env.CI ? 'dot' : 'spec',
};
