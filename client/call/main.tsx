import { render } from 'preact';
import '../portal/portal.css';
import '../shared/phone.css';
import { CallerPage } from './CallerPage.tsx';

render(<CallerPage />, document.getElementById('app')!);
