import type { ComponentChildren } from 'preact';
import { Link } from '../router';

/**
 * The head of a page under a target: the breadcrumb back to the overview and the target, the page's heading, what
 * the page is for (`children`), and why the target could not be read, if it could not.
 */
export function TargetPageHead({
  id,
  name,
  heading,
  error,
  children,
}: {
  id: string;
  /** The target's name once read (`Target` until then). */
  name: string | undefined;
  heading: string;
  error?: string | null;
  children?: ComponentChildren;
}) {
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href="/">Overview</Link> / <Link href={`/targets/${id}`}>{name ?? 'Target'}</Link> /{' '}
        <span aria-current="page">{heading}</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>{heading}</h1>
        {children}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
