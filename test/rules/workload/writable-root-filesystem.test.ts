import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './writable-root-filesystem.cases.js';

ruleTester(cases.rule, cases);
