// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
import { configure } from '@testing-library/react';

// findBy / waitFor give up after 1 s by default, too short on a loaded shared machine.
configure({ asyncUtilTimeout: 5000 });

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
