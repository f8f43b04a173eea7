// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom has no canvas. @grafana/ui's Combobox sizes its menu with measureText on a 2D context,
// so give it a minimal one (the base setup's getContext returns undefined).
HTMLCanvasElement.prototype.getContext = () => ({
  font: '',
  measureText: (text) => ({ width: text.length * 7 }),
});

// jsdom has no IntersectionObserver; @grafana/ui's scroll containers (Combobox menu) use one.
class IntersectionObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
Object.defineProperty(global, 'IntersectionObserver', { writable: true, value: IntersectionObserverStub });
