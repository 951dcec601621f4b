import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import type { ComponentChild } from 'preact';
import { useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';

interface Props<T> {
  items: readonly T[];
  /** Exact height in px: rows have fixed heights in CSS, so nothing is measured and scrolling never jumps. */
  itemSize: (item: T) => number;
  itemKey: (item: T) => string;
  render: (item: T, index: number) => ComponentChild;
  className?: string;
  testId?: string;
  /** Scrolls this index into view whenever `scrollTo.key` changes (so a refresh does not scroll again). */
  scrollTo?: { index: number; key: string } | null;
  label?: string;
}

/**
 * A list that puts only the visible rows (plus a few) in the DOM, over @tanstack/virtual-core. Rows are positioned
 * with element.style set from script, which the CSP (`style-src 'self'`) allows, unlike style attributes in markup.
 */
export function VirtualList<T>({ items, itemSize, itemKey, render, className, testId, scrollTo, label }: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // New items: a new key function, which is what makes the virtualizer recompute its measurements.
  const getItemKey = useMemo(() => (i: number) => itemKey(items[i]!), [items]);
  const options = {
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i: number) => itemSize(items[i]!),
    getItemKey,
    overscan: 10,
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    onChange: () => rerender(0),
  };
  const [virtualizer] = useState(() => new Virtualizer<HTMLDivElement, HTMLDivElement>(options));
  virtualizer.setOptions(options);
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => virtualizer._willUpdate());
  useLayoutEffect(() => {
    if (scrollTo && scrollTo.index >= 0 && scrollTo.index < items.length) virtualizer.scrollToIndex(scrollTo.index, { align: 'center' });
  }, [scrollTo?.key]);

  return (
    <div ref={scrollRef} class={`vlist ${className ?? ''}`} data-testid={testId} role="rowgroup" aria-label={label} tabIndex={0}>
      <div class="vlist-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {virtualizer.getVirtualItems().map((v) => (
          <div key={v.key} class="vlist-item" data-index={v.index} style={{ transform: `translateY(${v.start}px)`, height: `${v.size}px` }}>
            {render(items[v.index]!, v.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
