import { render } from 'preact';
import '../portal/portal.css';
import '../shared/phone.css';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
