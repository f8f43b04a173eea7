// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const baseConfig = require('./.config/jest.config');

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...baseConfig,
  // The editors render @grafana/ui's full components; on the shared 2-core CI machines a test can
  // take several seconds under load, so Jest's 5 s default fails tests that are merely slow.
  testTimeout: 30000,
  transform: {
    ...baseConfig.transform,
    // @grafana/ui 13 pulls in d3 packages that ship only ESM (.mjs); the base transform covers
    // .js/.ts only, so run .mjs through the same SWC transform.
    '^.+\\.mjs$': baseConfig.transform['^.+\\.(t|j)sx?$'],
  },
};
