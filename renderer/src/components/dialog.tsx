import type { ComponentChildren } from 'preact';
import { useContext, useLayoutEffect, useRef } from 'preact/hooks';
import { AppContext } from '../app-context.js';

interface Props {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  testId?: string;
  wide?: boolean;
}

/** A modal on the native <dialog>: focus trap, Escape to close and the backdrop come from the browser. */
export function Dialog({ title, onClose, children, footer, testId, wide }: Props) {
  const { offline } = useContext(AppContext);
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  // A layout effect: its cleanup runs before the dialog leaves the page (Preact 11 runs useEffect cleanups a frame
  // later), so focus never falls to the body in between.
  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    // Focus goes back to the control that opened the dialog when it closes (keyboard users land where they were).
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      closeRef.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog ref={ref} class={wide ? 'dialog dialog-wide' : 'dialog'} data-testid={testId} aria-labelledby="dialog-title">
      <header class="dialog-head">
        <h2 id="dialog-title">{title}</h2>
        <button type="button" class="icon-button" aria-label="Close" data-testid="dialog-close" onClick={() => closeRef.current()}>
          ×
        </button>
      </header>
      <div class="dialog-body">
        {offline ? (
          // The modal hides the page's connection banner; its buttons are off (the page's fieldset), Escape still closes.
          <p class="notice notice-error" role="alert" data-testid="dialog-offline">
            The janitor cannot be reached: nothing here can be confirmed until it is back. Escape closes this dialog.
          </p>
        ) : null}
        {children}
      </div>
      {footer ? <footer class="dialog-foot">{footer}</footer> : null}
    </dialog>
  );
}

/** A yes/no question in a dialog, for deletions and retention. */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
}) {
  return (
    <Dialog
      title={props.title}
      onClose={props.onCancel}
      testId={props.testId ?? 'confirm-dialog'}
      footer={
        <>
          <button type="button" onClick={props.onCancel} data-testid="confirm-cancel">
            Cancel
          </button>
          <button
            type="button"
            class={props.danger ? 'danger' : 'primary'}
            disabled={props.busy}
            onClick={props.onConfirm}
            data-testid="confirm-ok"
          >
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        </>
      }
    >
      {props.children}
    </Dialog>
  );
}
