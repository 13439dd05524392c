import { type ReactNode, useEffect } from "react";

/**
 * A dialog over the page, with its title and a close button; Escape and a click outside it close
 * it too.
 */
export function Modal({
  title,
  className,
  testId,
  closeLabel = "Close",
  onClose,
  children,
}: {
  title: string;
  className?: string;
  testId?: string;
  closeLabel?: string;
  onClose(): void;
  children: ReactNode;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className={className ? `modal ${className}` : "modal"}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onClick={(e) => e.stopPropagation()}
        data-testid={testId}
      >
        <header className="modal-head">
          <h2>{title}</h2>
          <button type="button" onClick={onClose} aria-label={closeLabel}>
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
