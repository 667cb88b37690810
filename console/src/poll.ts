import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api';

export interface Polled<T> {
  data: T | undefined;
  error: string | null;
  /** When the data was last loaded. */
  at: Date | null;
  refresh: () => void;
}

/**
 * Loads now and then every `intervalMs` after each answer (never two at once), while the page is visible; loads
 * again at once when `key` changes. The last good data stays on screen through an error.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, key: string): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [at, setAt] = useState<Date | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const wake = useRef<() => void>(() => undefined);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    let loaded = false;
    setData(undefined);
    setError(null);
    const tick = async () => {
      clearTimeout(timer);
      if (!live) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        if (document.visibilityState !== 'hidden' || !loaded) {
          const value = await loadRef.current();
          if (!live) return;
          loaded = true;
          setData(value);
          setError(null);
          setAt(new Date());
        }
      } catch (err) {
        if (live) setError(messageOf(err));
      } finally {
        running = false;
        if (live) {
          if (again) {
            again = false;
            void tick();
          } else timer = setTimeout(() => void tick(), intervalMs);
        }
      }
    };
    wake.current = () => void tick();
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, intervalMs]);

  const refresh = useCallback(() => wake.current(), []);
  return { data, error, at, refresh };
}
