import { useEffect, useRef, useState } from 'preact/hooks';
import { BASE, navigate } from '../../router';

/**
 * While `dirty`: the browser asks before the tab is closed or reloaded, and a click on a console link that leaves
 * this page is held until the user confirms (`leaving` is where to; `leave()` goes, `stay()` cancels).
 */
export function useLeaveGuard(dirty: boolean): {
  leaving: string | null;
  leave: () => void;
  stay: () => void;
} {
  const [leaving, setLeaving] = useState<string | null>(null);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  useEffect(() => {
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (!dirtyRef.current) return;
      e.preventDefault();
      e.returnValue = '';
    };
    const click = (e: MouseEvent) => {
      if (!dirtyRef.current || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]');
      if (!(a instanceof HTMLAnchorElement) || a.origin !== location.origin) return;
      if (!a.pathname.startsWith(BASE) || a.pathname === location.pathname) return;
      e.preventDefault();
      e.stopPropagation();
      setLeaving(a.pathname.slice(BASE.length) + a.search);
    };
    addEventListener('beforeunload', beforeUnload);
    document.addEventListener('click', click, true);
    return () => {
      removeEventListener('beforeunload', beforeUnload);
      document.removeEventListener('click', click, true);
    };
  }, []);

  return {
    leaving,
    leave: () => {
      const to = leaving;
      setLeaving(null);
      dirtyRef.current = false;
      if (to !== null) navigate(to || '/');
    },
    stay: () => setLeaving(null),
  };
}
