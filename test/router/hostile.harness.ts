import type { ModelConfig, ZetaRouterOptions } from '../../src/router/options.js';
import { ZetaDynamicRouter } from '../../src/router/ZetaDynamicRouter.js';
import { seededRandom } from '../../src/utils/random.js';
import { ManualClock } from '../helpers/manualClock.js';

/** Values a client or classifier may throw that break naive message building. */
export function hostileValues(): Array<[string, unknown]> {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const badMessage = new Error('x');
  Object.defineProperty(badMessage, 'message', {
    get() {
      throw new Error('message getter');
    },
  });
  return [
    ['Object.create(null)', Object.create(null)],
    ['a revoked Proxy', proxy],
    ['an Error whose message getter throws', badMessage],
    [
      'an object whose toString throws',
      {
        toString() {
          throw new Error('toString');
        },
      },
    ],
    ['a Symbol', Symbol('s')],
    ['undefined', undefined],
  ];
}

export function single(
  call: ModelConfig<string, string>['call'],
  extra: Partial<ZetaRouterOptions<string, string>> = {},
): ZetaDynamicRouter<string, string> {
  return new ZetaDynamicRouter<string, string>({
    models: [{ id: 'm', call, tasks: ['simple'], concurrency: 2 }],
    clock: new ManualClock(),
    random: seededRandom(1),
    ...extra,
  });
}
