import { Fragment } from 'react';
import { Link } from 'react-router';
import { linkPieces } from '../../../shared/fix-links.ts';

/** A message whose "Settings → X" is a link that opens that section: errors link to their fix. */
export function LinkedText({ text }: { text: string }) {
  return (
    <>
      {linkPieces(text).map((p, i) =>
        'to' in p ? (
          <Link key={i} to={p.to} className="fix-link">
            {p.text}
          </Link>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}
