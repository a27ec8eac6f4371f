import { notYet } from '../not-yet.ts';
export const createMenu = notYet('Create...');
