module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Property tests assert through fast-check and the sandbox helpers.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect*', 'fc.assert'] },
    ],
  },
});
