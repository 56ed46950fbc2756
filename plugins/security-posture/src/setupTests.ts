import '@testing-library/jest-dom';

// jsdom has no ResizeObserver; the charts' ResponsiveContainer needs one.
if (!('ResizeObserver' in globalThis)) {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  (globalThis as any).ResizeObserver = ResizeObserverStub;
}

// Rendering Material Table with many rows is slow on a busy CI machine.
jest.setTimeout(30_000);
