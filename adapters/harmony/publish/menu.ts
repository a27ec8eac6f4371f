import { notYet } from '../not-yet.ts';
export const publishMenu = notYet('Publish...');
