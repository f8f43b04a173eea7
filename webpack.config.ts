import CopyWebpackPlugin from 'copy-webpack-plugin';
import path from 'path';
import type { Configuration } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

// plugin.json lives at the repository root (the one manifest, also read by mage), so the
// create-plugin defaults, which look for src/plugin.json, are replaced here: one entry point
// (src/module.ts) and an explicit copy list. Paths are relative to the webpack context, src/.
// The base config's ReplaceInFileWebpackPlugin then fills %VERSION% and %TODAY% in dist/plugin.json.
const copyPatterns = [
  { from: '../plugin.json', to: '.' },
  { from: 'img', to: 'img' },
  { from: '../README.md', to: '.', noErrorOnMissing: true },
  { from: '../LICENSE', to: '.', noErrorOnMissing: true },
];

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);

  return {
    ...base,
    cache: {
      type: 'filesystem',
      buildDependencies: {
        config: [
          path.resolve(process.cwd(), 'webpack.config.ts'),
          path.resolve(process.cwd(), '.config', 'webpack', 'webpack.config.ts'),
        ],
      },
    },
    entry: { module: './module.ts' },
    plugins: (base.plugins ?? []).map((plugin) =>
      plugin instanceof CopyWebpackPlugin ? new CopyWebpackPlugin({ patterns: copyPatterns }) : plugin
    ),
  };
};

export default config;
