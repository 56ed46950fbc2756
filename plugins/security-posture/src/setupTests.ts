import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// jsdom has no ResizeObserver; the charts' ResponsiveContainer needs one.
if (!('ResizeObserver' in globalThis)) {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  (globalThis as any).ResizeObserver = ResizeObserverStub;
}

// The first render of a test file loads lazy extensions and Material Table; give
// `findBy…` and `waitFor` room on a loaded machine.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);
