import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * A wide table (or anything wider than a phone) scrolls sideways inside this box instead of widening the page.
 * While it actually scrolls, the box is in the tab order so keyboard users can scroll it too (WCAG 2.1.1);
 * when everything fits it is not a useless tab stop.
 */
export function ScrollX({ className = "", children, testId }: { className?: string; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} className={`relative overflow-x-auto ${className}`.trim()} tabIndex={scrolls ? 0 : undefined} data-testid={testId}>
      {children}
    </div>
  );
}
